using Microsoft.Extensions.DependencyInjection;
using Warden.Grains.Options;

namespace Warden.Grains.Tests.Cluster;

/// <summary>
/// The same two-silo cluster as <see cref="WardenClusterFixture"/> with <see cref="WardenEventOptions.SessionStreamDecisions"/>
/// on: session streams carry decisions too.
/// </summary>
public sealed class SessionStreamDecisionsClusterFixture : WardenClusterFixture
{
    protected override void ConfigureSilo(ISiloBuilder silo) =>
        silo.Services.Configure<WardenEventOptions>(o => o.SessionStreamDecisions = true);
}

[CollectionDefinition(Name)]
public sealed class SessionStreamDecisionsClusterCollection : ICollectionFixture<SessionStreamDecisionsClusterFixture>
{
    public const string Name = "warden cluster, decisions on session streams";
}
