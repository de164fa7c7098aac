using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Warden.Grains.Hosting;
using Warden.Grains.Options;
using Warden.Grains.Persistence;
using Warden.Grains.Policy;

namespace Warden.Grains.Tests.Hosting;

public sealed class WardenGrainsExtensionsTests
{
    [Fact]
    public void AddWardenGrains_Twice_RegistersOnceAndKeepsBothConfigurations()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<IGrainFactory>(_ => throw new InvalidOperationException("not needed"));

        services.AddWardenGrains(o => o.DefaultTtl = TimeSpan.FromMinutes(2));
        services.AddWardenGrains(o => o.MaxTtl = TimeSpan.FromMinutes(30));
        using var provider = services.BuildServiceProvider();

        Assert.Single(services, d => d.ServiceType == typeof(PolicyCache));
        Assert.Single(services, d => d.ServiceType == typeof(TimeProvider));
        var options = provider.GetRequiredService<IOptions<SessionOptions>>().Value;
        Assert.Equal(TimeSpan.FromMinutes(2), options.DefaultTtl);
        Assert.Equal(TimeSpan.FromMinutes(30), options.MaxTtl);
        Assert.Same(TimeProvider.System, provider.GetRequiredService<TimeProvider>());
    }

    [Fact]
    public void AddWardenGrains_RegistersTheDirectPersistentStateMapper()
    {
        var services = new ServiceCollection();

        services.AddWardenGrains();

        // Without it a grain with a [DirectPersistentState] parameter cannot be activated.
        Assert.IsType<DirectPersistentStateMapper>(services.BuildServiceProvider().GetRequiredService<IAttributeToFactoryMapper<DirectPersistentStateAttribute>>());
    }

    [Fact]
    public void AddWardenGrains_TimeProviderRegisteredFirst_KeepsIt()
    {
        var clock = new FakeTimeProvider();
        var services = new ServiceCollection().AddSingleton<TimeProvider>(clock);

        services.AddWardenGrains();

        Assert.Same(clock, services.BuildServiceProvider().GetRequiredService<TimeProvider>());
    }

    [Theory]
    [InlineData(0, 60)]
    [InlineData(10, 5)]
    public void SessionOptions_Invalid_FailValidation(int defaultMinutes, int maxMinutes)
    {
        var services = new ServiceCollection().AddWardenGrains(o =>
        {
            o.DefaultTtl = TimeSpan.FromMinutes(defaultMinutes);
            o.MaxTtl = TimeSpan.FromMinutes(maxMinutes);
        });

        var error = Assert.Throws<OptionsValidationException>(() => services.BuildServiceProvider().GetRequiredService<IOptions<SessionOptions>>().Value);

        Assert.NotEmpty(error.Failures);
    }
}
