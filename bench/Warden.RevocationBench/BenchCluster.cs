using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.TestingHost;
using Warden.Agents;
using Warden.Grains.Hosting;
using Warden.Scopes;
using Warden.Sessions;
using Warden.Tenants;

namespace Warden.RevocationBench;

/// <summary>
/// Three silos in this process (Orleans' in-process test cluster): Orleans memory grain storage (held by storage grains,
/// shared by the silos), memory streams, in-memory reminders, random placement so sessions spread over the silos.
/// </summary>
internal sealed class BenchCluster : IAsyncDisposable
{
    private static readonly Caller Admin = Caller.Operator("bench");

    private BenchCluster(InProcessTestCluster cluster) => Cluster = cluster;

    public InProcessTestCluster Cluster { get; }

    public IClusterClient Client => Cluster.Client;

    public static async Task<BenchCluster> StartAsync(int silos, bool trace = false)
    {
        var builder = new InProcessTestClusterBuilder((short)silos);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryGrainStorage("warden");
            silo.AddMemoryGrainStorage("PubSubStore");
            silo.AddMemoryStreams("warden");
            silo.UseInMemoryReminderService();
            silo.AddWardenGrains(o => o.MaxTtl = TimeSpan.FromHours(2));
            silo.Services.AddSingleton<PlacementStrategy>(new RandomPlacement());
            silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromMinutes(5));
            if (trace)
            {
                SampleProbe.Register(silo);
            }
        });
        builder.ConfigureClient(client =>
        {
            client.AddMemoryStreams("warden");

            // A 10,000-session freeze on a loaded 2-core machine can outlast Orleans' 30 s default; the bench measures it.
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromMinutes(5));
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new BenchCluster(cluster);
    }

    /// <summary>A fresh tenant with <paramref name="agents"/> agents, each with <paramref name="sessionsPerAgent"/> live sessions.</summary>
    public async Task<(string TenantId, string[] AgentIds, string[] SessionIds)> TenantAsync(int agents, int sessionsPerAgent)
    {
        var tenantId = "b" + Guid.NewGuid().ToString("N")[..12];
        var tenant = Client.GetGrain<ITenantGrain>(tenantId);
        Check(await tenant.CreateAsync(new CreateTenant("bench", Admin)));
        var agentIds = Enumerable.Range(0, agents).Select(i => "a" + i).ToArray();
        var sessions = new List<string>(agents * sessionsPerAgent);
        foreach (var agentId in agentIds)
        {
            Check(await tenant.RegisterAgentAsync(new RegisterAgent(agentId, "owner@example.com", agentId, [new ScopeEntry("doc.read", "Doc::*")], "low", [], [], Admin)));
        }

        // Agents open their sessions in parallel; one agent opens its own one after the other (its grain is not reentrant).
        var opened = await Task.WhenAll(agentIds.Select(async agentId =>
        {
            var agent = Client.GetGrain<IAgentGrain>(WardenIds.AgentKey(tenantId, agentId));
            var ids = new List<string>(sessionsPerAgent);
            for (var s = 0; s < sessionsPerAgent; s++)
            {
                ids.Add(Check(await agent.OpenSessionAsync(new OpenSession(new Intent("bench", string.Empty, "p", "sha256:00", "u@example.com"), [], TimeSpan.FromHours(1)))).SessionId);
            }

            return ids;
        }));
        sessions.AddRange(opened.SelectMany(ids => ids));
        return (tenantId, agentIds, [.. sessions]);
    }

    public static Caller Operator => Admin;

    public static T Check<T>(Outcome<T> outcome) =>
        outcome.IsOk ? outcome.Value : throw new InvalidOperationException($"{outcome.Error!.Status}: {outcome.Error.Message}");

    public ValueTask DisposeAsync() => Cluster.DisposeAsync();
}
