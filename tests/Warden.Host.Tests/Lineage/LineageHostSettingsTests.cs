using Microsoft.Extensions.Configuration;
using Warden.Grains.Lineage;
using Warden.Host.Lineage;

namespace Warden.Host.Tests.Lineage;

/// <summary>The lineage writer's group-commit settings read from <c>Warden:Lineage</c>, with defaults and refusals.</summary>
public sealed class LineageHostSettingsTests : IDisposable
{
    private readonly string _dataPath = Directory.CreateTempSubdirectory("warden-lineage-settings-").FullName;

    public void Dispose() => Directory.Delete(_dataPath, recursive: true);

    [Fact]
    public void ReadOptions_NothingConfigured_DefaultCommitDelay()
    {
        var options = Read([]);

        Assert.Equal(TimeSpan.Zero, options.CommitDelay);
        Assert.Equal(64, options.CommitDelayFromRecords);
    }

    [Fact]
    public void ReadOptions_CommitDelayConfigured_ReachesTheOptions()
    {
        var options = Read(new()
        {
            ["Warden:Lineage:CommitDelay"] = "00:00:00.0025",
            ["Warden:Lineage:CommitDelayFromRecords"] = "200",
        });

        Assert.Equal(TimeSpan.FromMicroseconds(2500), options.CommitDelay);
        Assert.Equal(200, options.CommitDelayFromRecords);
    }

    [Fact]
    public void ReadOptions_CommitDelayZeroAfterAnotherSource_Zero()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Warden:Lineage:CommitDelay"] = "00:00:00.002" })
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Warden:Lineage:CommitDelay"] = "00:00:00" })
            .Build();

        Assert.Equal(TimeSpan.Zero, LineageHostSettings.ReadOptions(configuration, _dataPath, azure: false).CommitDelay);
    }

    [Theory]
    [InlineData("CommitDelay", "-00:00:00.001")]
    [InlineData("CommitDelay", "00:00:02")]
    [InlineData("CommitDelay", "soon")]
    [InlineData("CommitDelayFromRecords", "0")]
    [InlineData("CommitDelayFromRecords", "many")]
    public void ReadOptions_BadValue_RefusedNamingTheKey(string key, string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Read(new() { ["Warden:Lineage:" + key] = value }));

        Assert.Contains("Warden:Lineage:" + key, error.Message, StringComparison.Ordinal);
        Assert.Contains(value, error.Message, StringComparison.Ordinal);
    }

    private WardenLineageOptions Read(Dictionary<string, string?> values)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        return LineageHostSettings.ReadOptions(configuration, _dataPath, azure: false);
    }
}
