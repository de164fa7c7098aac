using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Storage;
using Warden.Storage.Azure;
using Warden.Storage.Hosting;
using Warden.Storage.Memory;
using Warden.Storage.Options;
using Warden.Testing;

namespace Warden.Storage.Tests.Hosting;

public sealed class StorageRegistrationTests
{
    private const string Azurite =
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
        "TableEndpoint=http://127.0.0.1:1/devstoreaccount1;BlobEndpoint=http://127.0.0.1:2/devstoreaccount1;";

    [Fact]
    public void Read_NothingConfigured_EmbeddedFullInDotDataUnderCurrentDirectory()
    {
        var settings = WardenStorageSettings.Read(Configuration());

        Assert.Equal(WardenStorageMode.Embedded, settings.Mode);
        Assert.Equal(SqliteDurability.Full, settings.Durability);
        Assert.Equal(Path.GetFullPath(".data"), settings.DataDirectory);
        Assert.Equal(AzureStorageOptions.DefaultTablePrefix, settings.TablePrefix);
        Assert.False(settings.AllowMemory);
    }

    [Fact]
    public void Read_EveryKey_IsBound()
    {
        var settings = WardenStorageSettings.Read(Configuration(
            ("Mode", "azure"), ("DataDirectory", "/var/lib/warden"), ("Durability", "Normal"), ("ConnectionString", Azurite),
            ("TablePrefix", "Blue"), ("GrainStorage", "Blob"), ("AllowMemory", "true")));

        Assert.Equal(
            new WardenStorageSettings(WardenStorageMode.Azure, "/var/lib/warden", SqliteDurability.Normal, Azurite, "Blue", AzureGrainStorageKind.Blob, true),
            settings);
    }

    [Theory]
    [InlineData("Mode", "Sqlite")]
    [InlineData("Mode", "1")]
    [InlineData("Durability", "Off")]
    [InlineData("GrainStorage", "Queue")]
    [InlineData("AllowMemory", "yes")]
    public void Read_UnknownValue_ThrowsNamingTheKey(string key, string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => WardenStorageSettings.Read(Configuration((key, value))));

        Assert.Contains($"Warden:Storage:{key}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToString_AzureSettings_NeverShowsTheAccountKey()
    {
        var settings = WardenStorageSettings.Read(Configuration(("Mode", "Azure"), ("ConnectionString", Azurite)));

        Assert.DoesNotContain("AccountKey", settings.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void AddWardenStorage_Default_RegistersEmbeddedGrainStoragesAndReminderTable()
    {
        using var directory = TempDirectory.Create("registration");
        using var host = BuildSilo(Configuration(("DataDirectory", directory.Path)));

        var warden = host.Services.GetRequiredKeyedService<IGrainStorage>(WardenStorageNames.Grains);
        var pubSub = host.Services.GetRequiredKeyedService<IGrainStorage>(WardenStorageNames.PubSub);

        Assert.IsType<Warden.Storage.Sqlite.SqliteGrainStorage>(warden);
        Assert.IsType<Warden.Storage.Sqlite.SqliteGrainStorage>(pubSub);
        Assert.IsType<Warden.Storage.Sqlite.SqliteReminderTable>(host.Services.GetRequiredService<IReminderTable>());
        Assert.Equal(directory.Path, host.Services.GetRequiredService<IOptions<EmbeddedStorageOptions>>().Value.DataDirectory);
    }

    [Fact]
    public void AddWardenEmbeddedStorage_Default_UsesOrleansConfiguredGrainStorageSerializer()
    {
        using var directory = TempDirectory.Create("serializer");
        using var host = BuildSilo(Configuration(("DataDirectory", directory.Path)));

        var storage = (Warden.Storage.Sqlite.SqliteGrainStorage)host.Services.GetRequiredKeyedService<IGrainStorage>(WardenStorageNames.Grains);

        Assert.Same(host.Services.GetRequiredService<IGrainStorageSerializer>(), storage.Serializer);
        Assert.IsType<JsonGrainStorageSerializer>(storage.Serializer);
    }

    [Fact]
    public void AddWardenEmbeddedStorage_CalledTwice_RegistersOnceAndKeepsLastSettings()
    {
        using var directory = TempDirectory.Create("twice");
        var services = SiloServices(silo => silo
            .AddWardenEmbeddedStorage(o => o.DataDirectory = "first")
            .AddWardenEmbeddedStorage(o => o.DataDirectory = directory.Path));

        Assert.Single(services, d => d.ServiceType == typeof(IReminderTable));
        Assert.Single(services, d => d.ServiceType == typeof(IGrainStorage) && Equals(d.ServiceKey, WardenStorageNames.Grains));
        using var provider = services.BuildServiceProvider();
        Assert.Equal(directory.Path, provider.GetRequiredService<IOptions<EmbeddedStorageOptions>>().Value.DataDirectory);
    }

    [Fact]
    public void AddWardenEmbeddedStorage_NoDataDirectory_FailsValidationNamingIt()
    {
        var services = SiloServices(silo => silo.AddWardenEmbeddedStorage(_ => { }));
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<EmbeddedStorageOptions>>().Value);
        Assert.Contains(nameof(EmbeddedStorageOptions.DataDirectory), error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(601)]
    public void AddWardenEmbeddedStorage_BusyTimeoutOutOfRange_FailsValidation(int seconds)
    {
        var services = SiloServices(silo => silo.AddWardenEmbeddedStorage(o =>
        {
            o.DataDirectory = "x";
            o.BusyTimeout = TimeSpan.FromSeconds(seconds);
        }));
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<EmbeddedStorageOptions>>().Value);
        Assert.Contains(nameof(EmbeddedStorageOptions.BusyTimeout), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddWardenStorage_TwoModes_Refused()
    {
        var error = Assert.Throws<InvalidOperationException>(() => SiloServices(silo => silo
            .AddWardenEmbeddedStorage(o => o.DataDirectory = "x")
            .AddWardenAzureStorage(o => o.ConnectionString = Azurite)));

        Assert.Contains("exactly one storage mode", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddWardenAzureStorage_SameSettingsTwice_IsANoOp_DifferentSettingsRefused()
    {
        var services = SiloServices(silo => silo
            .AddWardenAzureStorage(o => o.ConnectionString = Azurite)
            .AddWardenAzureStorage(o => o.ConnectionString = Azurite));
        Assert.Single(services, d => d.ServiceType == typeof(IReminderTable));

        Assert.Throws<InvalidOperationException>(() => SiloServices(silo => silo
            .AddWardenAzureStorage(o => o.ConnectionString = Azurite)
            .AddWardenAzureStorage(o =>
            {
                o.ConnectionString = Azurite;
                o.TablePrefix = "Other";
            })));
    }

    [Theory]
    [InlineData("")]
    [InlineData("9lives")]
    [InlineData("has-dash")]
    [InlineData("has_underscore")]
    [InlineData("ThisPrefixIsWayTooLongForAnAzureTableName1")]
    public void AddWardenAzureStorage_BadTablePrefix_RefusedNamingIt(string prefix)
    {
        var error = Assert.Throws<OptionsValidationException>(() => SiloServices(silo => silo.AddWardenAzureStorage(o =>
        {
            o.ConnectionString = Azurite;
            o.TablePrefix = prefix;
        })));

        Assert.Contains(nameof(AzureStorageOptions.TablePrefix), error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("AccountKey=secret-key-material;no-equals-here")]
    public void AddWardenAzureStorage_BadConnectionString_RefusedWithoutEchoingIt(string connectionString)
    {
        var error = Assert.Throws<OptionsValidationException>(() => SiloServices(silo => silo.AddWardenAzureStorage(o => o.ConnectionString = connectionString)));

        Assert.Contains(nameof(AzureStorageOptions.ConnectionString), error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-key-material", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("W")]
    [InlineData("Warden")]
    [InlineData("Test0123456789abcdef0123456789abcdef0123")]
    public void AzureResourceNames_ValidPrefix_EveryTableNameMatchesAzureRule(string prefix)
    {
        Assert.True(AzureResourceNames.IsValidPrefix(prefix));
        var names = new AzureResourceNames(prefix);

        Assert.All(names.Tables, name => Assert.Matches("^[A-Za-z][A-Za-z0-9]{2,62}$", name));
        Assert.Matches("^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$", names.GrainStateContainer);
    }

    [Fact]
    public void AddWardenStorage_MemoryOutsideDevelopment_RefusedUnlessExplicitlyAllowed()
    {
        using var production = BuildSilo(Configuration(("Mode", "Memory")), Environments.Production);
        var error = Assert.Throws<OptionsValidationException>(() => production.Services.GetRequiredService<IOptions<MemoryStorageOptions>>().Value);
        Assert.Contains("unit tests only", error.Message, StringComparison.Ordinal);

        using var allowed = BuildSilo(Configuration(("Mode", "Memory"), ("AllowMemory", "true")), Environments.Production);
        Assert.True(allowed.Services.GetRequiredService<IOptions<MemoryStorageOptions>>().Value.AllowOutsideDevelopment);

        using var development = BuildSilo(Configuration(("Mode", "Memory")), Environments.Development);
        Assert.False(development.Services.GetRequiredService<IOptions<MemoryStorageOptions>>().Value.AllowOutsideDevelopment);
        Assert.IsType<InProcessGrainStorage>(development.Services.GetRequiredKeyedService<IGrainStorage>(WardenStorageNames.Grains));
        Assert.IsType<InProcessGrainStorage>(development.Services.GetRequiredKeyedService<IGrainStorage>(WardenStorageNames.PubSub));
    }

    [Fact]
    public async Task StartAsync_MemoryModeInProduction_HostRefusesToStart()
    {
        using var host = BuildSilo(Configuration(("Mode", "Memory")), Environments.Production);

        await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
    }

    [Fact]
    public void WardenStorageProvidesClustering_OnlyInAzureMode()
    {
        Assert.False(Configuration().WardenStorageProvidesClustering());
        Assert.False(Configuration(("Mode", "Memory")).WardenStorageProvidesClustering());
        Assert.True(Configuration(("Mode", "Azure"), ("ConnectionString", Azurite)).WardenStorageProvidesClustering());
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>($"Warden:Storage:{v.Key}", v.Value)))
            .Build();

    private static IHost BuildSilo(IConfiguration configuration, string environment = "Development")
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = environment });
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(siloPort: FreePort.Next(), gatewayPort: FreePort.Next());
            silo.AddWardenStorage(configuration);
        });
        return builder.Build();
    }

    private static IServiceCollection SiloServices(Action<ISiloBuilder> configure)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering();
            configure(silo);
        });
        return builder.Services;
    }
}
