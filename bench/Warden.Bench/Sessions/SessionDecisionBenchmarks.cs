using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Storage;
using Warden.Agents;
using Warden.Grains.Hosting;
using Warden.Policies;
using Warden.Scopes;
using Warden.Sessions;
using Warden.Tenants;

namespace Warden.Bench.Sessions;

/// <summary>
/// The whole grain side of one decision, on one in-process silo without gRPC: <c>ISessionGrain.EvaluateAsync</c> called
/// from inside the silo (as the host's gRPC service calls it), so both gates with the 20-policy load set, the
/// durable state write (Orleans' memory storage), and the event publication. <see cref="Serializer"/> is the grain
/// state serializer: Orleans' default JSON one (Newtonsoft, what the host uses today) or Orleans' binary one.
/// </summary>
[MemoryDiagnoser(displayGenColumns: false)]
[MedianColumn]
[Config(typeof(InProcessConfig))]
public class SessionDecisionBenchmarks
{
    private const int DecisionsPerInvoke = 64;

    private IHost? _silo;
    private ISessionGrain[] _sessions = [];
    private Caller[] _callers = [];
    private string _tenantId = string.Empty;

    [Params("Json", "Binary")]
    public string Serializer { get; set; } = "Json";

    /// <summary>Sessions deciding in parallel (each one decision at a time, like an agent calling unary Evaluate).</summary>
    [Params(1, 8)]
    public int Sessions { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = Environments.Development });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(siloPort: FreePort(), gatewayPort: FreePort());
            silo.AddMemoryGrainStorage("warden");
            silo.AddMemoryGrainStorage("PubSubStore");
            silo.AddMemoryStreams("warden");
            silo.UseInMemoryReminderService();
            silo.AddWardenGrains();
            if (Serializer == "Binary")
            {
                silo.Services.AddSingleton<IGrainStorageSerializer>(sp => ActivatorUtilities.CreateInstance<OrleansGrainStorageSerializer>(sp));
            }
        });
        _silo = builder.Build();
        await _silo.StartAsync();
        var grains = _silo.Services.GetRequiredService<IGrainFactory>();

        var admin = Caller.Operator("bench");
        _tenantId = "bench" + Guid.NewGuid().ToString("N")[..8];
        var tenant = grains.GetGrain<ITenantGrain>(_tenantId);
        Ok(await tenant.CreateAsync(new CreateTenant("bench", admin)));
        var policies = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Policies", "load.cedar"));
        var schema = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Policies", "load.cedarschema"));
        Ok(await tenant.PublishPolicyAsync(new PublishPolicy(policies, schema, null, admin)));

        _sessions = new ISessionGrain[Sessions];
        _callers = new Caller[Sessions];
        for (var i = 0; i < Sessions; i++)
        {
            var agentId = $"agent-{i}";
            Ok(await tenant.RegisterAgentAsync(new RegisterAgent(
                agentId, "bench@example.com", agentId, [new ScopeEntry("db.query", "Table::*")], "low", [], [], admin)));
            var opened = Ok(await grains.GetGrain<IAgentGrain>(WardenIds.AgentKey(_tenantId, agentId)).OpenSessionAsync(new OpenSession(
                new Intent("load test: read order tables", "reporting", string.Empty, string.Empty, "bench@example.com"),
                [new ScopeRequest("db.query", "Table::*", null)],
                TimeSpan.FromMinutes(30))));
            _sessions[i] = grains.GetGrain<ISessionGrain>(WardenIds.SessionKey(_tenantId, opened.SessionId));
            _callers[i] = Caller.Agent(_tenantId, agentId);
        }

        // Warm the path once so the first measured decision is not an activation.
        for (var i = 0; i < Sessions; i++)
        {
            var decision = Ok(await _sessions[i].EvaluateAsync(_callers[i], Request(0)));
            if (decision.Effect != DecisionEffect.Allow)
            {
                throw new InvalidOperationException($"the benchmark decision is {decision.Effect}: {string.Join("; ", decision.Reasons.Select(r => r.Message))}");
            }
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        if (_silo is not null)
        {
            await _silo.StopAsync();
            _silo.Dispose();
        }
    }

    [Benchmark(OperationsPerInvoke = DecisionsPerInvoke)]
    public Task Evaluate()
    {
        var perSession = DecisionsPerInvoke / Sessions;
        return Task.WhenAll(Enumerable.Range(0, Sessions).Select(async s =>
        {
            for (var n = 0; n < perSession; n++)
            {
                var outcome = await _sessions[s].EvaluateAsync(_callers[s], Request(n));
                if (!outcome.IsOk || outcome.Value.Effect != DecisionEffect.Allow)
                {
                    throw new InvalidOperationException("the benchmark decision was not an allow");
                }
            }
        }));
    }

    /// <summary>The load generator's request: a query on one of 16 tables with SQL tool arguments.</summary>
    private static EvaluationRequest Request(int i) =>
        new("db.query", new ResourceRef("Table", "orders-" + (i & 15), null, []), """{"sql":"select id, total from orders where day = $1","rows":100}""");

    private static T Ok<T>(Outcome<T> outcome) =>
        outcome.IsOk ? outcome.Value : throw new InvalidOperationException(outcome.Error?.Message);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
