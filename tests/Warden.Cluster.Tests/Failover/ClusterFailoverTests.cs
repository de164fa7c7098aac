using System.Diagnostics;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Warden.Client;
using Warden.Client.Connection;
using Warden.Client.Operators;
using Warden.Cluster.Tests.Infrastructure;
using Warden.Host.Security;
using Warden.Protocol.V1;
using ISessionGrain = Warden.Sessions.ISessionGrain;
using Warden.Storage.Hosting;
using Warden.Testing;
using Xunit.Abstractions;

namespace Warden.Cluster.Tests.Failover;

/// <summary>
/// Three real host processes on loopback sharing one Azurite account (Azure storage mode: table grain state, table
/// membership, table reminders). One is killed with SIGKILL; its sessions come back on the others from storage, no
/// acknowledged decision or revocation is lost, nothing revoked is allowed, and clients carry on through the other
/// gateways.
/// </summary>
public sealed class ClusterFailoverTests(AzuriteFixture azurite, ITestOutputHelper output) : IClassFixture<AzuriteFixture>
{
    private const int WorkerSessions = 9;
    private const int RogueSessions = 3;
    private static readonly TimeSpan FailoverDeadline = TimeSpan.FromSeconds(60);

    // Fast failure detection for a loopback test: a silo that misses two 1-second probes is suspected, and the two
    // survivors' votes declare it dead. Production keeps Orleans' defaults or sets these in Warden:Cluster:Membership.
    private static readonly string[] MembershipTimings =
    [
        "--Warden:Cluster:Membership:ProbeTimeout", "00:00:01",
        "--Warden:Cluster:Membership:NumMissedProbesLimit", "2",
        "--Warden:Cluster:Membership:TableRefreshTimeout", "00:00:02",
        "--Warden:Cluster:Membership:IAmAliveTablePublishTimeout", "00:00:05",
    ];

    [Fact]
    public async Task Cluster_KillOneSilo_SessionsMoveNothingAcknowledgedLostNothingRevokedAllowed()
    {
        using var folder = TempDirectory.Create("cluster");
        var clusterId = "c" + Guid.NewGuid().ToString("N")[..12];
        var keyFile = folder.Combine("operator.key");
        await File.WriteAllTextAsync(keyFile, OperatorKeyStore.NewKey() + "\n");
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Warden__Storage__ConnectionString"] = azurite.ConnectionString,
            // One lineage context key for the whole cluster (required in Azure mode): every silo hashes alike.
            ["Warden__Lineage__ContextKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
        };

        var starting = Enumerable.Range(1, 3).Select(i => SiloProcess.StartAsync(
            "silo" + i,
            [
                "--storage", "Azure",
                "--data-path", folder.Combine("silo" + i),
                "--operator-key-file", keyFile,
                "--Warden:Cluster:ClusterId", clusterId,
                "--Warden:Cluster:ServiceId", clusterId,
                "--Logging:LogLevel:Default", "Warning",
                .. MembershipTimings,
            ],
            environment)).ToArray();
        var silos = await StartedOrStoppedAsync(starting);
        try
        {
            await RunAsync(silos, clusterId, (await File.ReadAllTextAsync(keyFile)).Trim());
        }
        catch
        {
            foreach (var silo in silos)
            {
                output.WriteLine($"---- {silo.Name} (exited: {silo.HasExited})\n{Tail(silo.Output)}");
            }

            throw;
        }
        finally
        {
            foreach (var silo in silos)
            {
                await silo.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// Every silo once all have started. If one fails to start, the ones that did are stopped before the failure is
    /// thrown: a failed start must not leave host processes running behind the test run.
    /// </summary>
    private static async Task<SiloProcess[]> StartedOrStoppedAsync(Task<SiloProcess>[] starting)
    {
        try
        {
            return await Task.WhenAll(starting);
        }
        catch
        {
            foreach (var start in starting.Where(t => t.IsCompletedSuccessfully))
            {
                await start.Result.DisposeAsync();
            }

            throw;
        }
    }

    private async Task RunAsync(SiloProcess[] silos, string clusterId, string operatorKey)
    {
        var all = silos.Select(s => s.Grpc).ToArray();
        string tenant, workerCredential, rogueCredential;
        await using (var op = Operator(operatorKey, all))
        {
            tenant = await AcmeTenant.CreateAsync(op, AcmeTenant.Baseline);
            workerCredential = await AcmeTenant.RegisterAgentAsync(op, tenant, "worker");
            rogueCredential = await AcmeTenant.RegisterAgentAsync(op, tenant, "rogue");
        }

        // Open the sessions through every gateway, so Orleans places them across the cluster.
        var workerIds = new List<string>();
        var rogueIds = new List<string>();
        for (var i = 0; i < WorkerSessions + RogueSessions; i++)
        {
            var rogue = i >= WorkerSessions;
            await using var agent = Agent(rogue ? rogueCredential : workerCredential, [all[i % all.Length]]);
            var session = await agent.OpenSessionAsync(WardenModel.Intent("summarize orders"), [AcmeTenant.Rule("db.query", "Acme::Table::*")], TimeSpan.FromMinutes(30));
            (rogue ? rogueIds : workerIds).Add(session.Id);
        }

        var location = await LocateAsync(silos, clusterId, tenant, workerIds);
        var victim = silos.OrderByDescending(s => location.Count(l => l.Value == s.SiloPort)).First();
        var moved = workerIds.Where(id => location[id] == victim.SiloPort).ToArray();
        Assert.NotEmpty(moved);
        output.WriteLine($"victim {victim.Name}: {moved.Length} of {workerIds.Count} worker sessions live on it");

        // Clients that use the victim as their gateway (first endpoint) and know the other two.
        var ordered = new[] { victim.Grpc }.Concat(all.Where(u => u != victim.Grpc)).ToArray();
        await using var worker = Agent(workerCredential, ordered);
        await using var rogueAgent = Agent(rogueCredential, ordered);
        await using var op2 = Operator(operatorKey, ordered);

        // Acknowledged decisions: two allowed queries in every worker session.
        var acknowledgedAllows = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var id in workerIds)
        {
            for (var n = 0; n < 2; n++)
            {
                AcmeTenant.Allowed(await worker.AttachSession(id).EvaluateAsync("db.query", AcmeTenant.Table("orders"), AcmeTenant.Sql));
            }

            acknowledgedAllows[id] = 2;
        }

        // An acknowledged revocation: suspending the rogue agent ends its sessions wherever they live.
        var suspended = await op2.SuspendAgentAsync(tenant, "rogue", "test: stop it");
        Assert.Equal(RogueSessions, suspended.SessionsEnded);

        // kill -9 the victim, then race: the first allowed decision in a session that lived on it is the failover.
        var clock = Stopwatch.StartNew();
        await victim.KillAsync();
        var firstSuccess = new TimeSpan?[moved.Length];
        var revokedAllowed = 0;
        var attempts = 0;
        await Task.WhenAll(moved.Select(async (id, index) =>
        {
            var session = worker.AttachSession(id);
            while (firstSuccess[index] is null)
            {
                Assert.True(clock.Elapsed < FailoverDeadline, $"session {id} did not decide again within {FailoverDeadline.TotalSeconds} s");
                Interlocked.Increment(ref attempts);
                try
                {
                    var decision = await session.EvaluateAsync("db.query", AcmeTenant.Table("orders"), AcmeTenant.Sql);
                    if (decision.Decision == Decision.Allow)
                    {
                        firstSuccess[index] = clock.Elapsed;
                        lock (acknowledgedAllows)
                        {
                            acknowledgedAllows[id]++;
                        }
                    }
                }
                catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Internal or StatusCode.Unknown)
                {
                    // The gateway died under the call or the session is between silos: try again.
                }

                // Meanwhile nothing revoked may be allowed, not even while the cluster is in flux.
                try
                {
                    var rogue = await rogueAgent.AttachSession(rogueIds[index % rogueIds.Count]).EvaluateAsync("db.query", AcmeTenant.Table("orders"), AcmeTenant.Sql);
                    if (rogue.Decision == Decision.Allow)
                    {
                        Interlocked.Increment(ref revokedAllowed);
                    }
                }
                catch (RpcException)
                {
                    // An error is not an allow.
                }
            }
        }));

        var times = firstSuccess.Select(t => t!.Value).Order().ToArray();
        var report = $"failover (kill -9 → first allowed decision in a session that lived on the killed silo): first {times[0].TotalMilliseconds:F0} ms, " +
            $"median {times[times.Length / 2].TotalMilliseconds:F0} ms, last {times[^1].TotalMilliseconds:F0} ms over {times.Length} sessions, {attempts} attempts";
        output.WriteLine(report);
        Console.WriteLine(report);
        Assert.Equal(0, revokedAllowed);

        // Every session answers through the surviving gateways, with nothing acknowledged lost.
        foreach (var id in workerIds)
        {
            AcmeTenant.Allowed(await worker.AttachSession(id).EvaluateAsync("db.query", AcmeTenant.Table("customers"), AcmeTenant.Sql));
            acknowledgedAllows[id]++;
            var detail = (await op2.GetSessionAsync(tenant, id)).Session;
            Assert.Equal(SessionStatus.Open, detail.Status);
            // A decision can be stored and its answer lost with the killed gateway, never the other way round.
            Assert.True(detail.Facts.Allows >= acknowledgedAllows[id], $"session {id}: {detail.Facts.Allows} allows stored, {acknowledgedAllows[id]} acknowledged");
        }

        foreach (var id in rogueIds)
        {
            Assert.Equal(SessionStatus.Revoked, (await op2.GetSessionAsync(tenant, id)).Session.Status);
            Assert.Equal(Decision.Deny, (await rogueAgent.AttachSession(id).EvaluateAsync("db.query", AcmeTenant.Table("orders"), AcmeTenant.Sql)).Decision);
        }

        Assert.Equal(AgentStatus.Suspended, (await op2.GetAgentAsync(tenant, "rogue")).Status);
        var refused = await Assert.ThrowsAsync<RpcException>(() => rogueAgent.OpenSessionAsync(WardenModel.Intent("again"), [AcmeTenant.Rule("db.query", "Acme::Table::*")]));
        Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
    }

    /// <summary>Asks the cluster (as an Orleans client on its membership table) which silo each session lives on.</summary>
    private async Task<Dictionary<string, int>> LocateAsync(SiloProcess[] silos, string clusterId, string tenant, IEnumerable<string> sessionIds)
    {
        using var host = new HostBuilder()
            .UseOrleansClient(client =>
            {
                client.UseWardenAzureClustering(o => o.ConnectionString = azurite.ConnectionString);
                client.Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = clusterId;
                    o.ServiceId = clusterId;
                });
            })
            .Build();
        await host.StartAsync();
        try
        {
            var grains = host.Services.GetRequiredService<IClusterClient>();
            var management = grains.GetGrain<IManagementGrain>(0);
            var result = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var id in sessionIds)
            {
                var address = await management.GetActivationAddress(grains.GetGrain<ISessionGrain>(WardenIds.SessionKey(tenant, id)));
                Assert.NotNull(address);
                result[id] = address.Endpoint.Port;
            }

            Assert.All(result.Values, port => Assert.Contains(silos, s => s.SiloPort == port));
            return result;
        }
        finally
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await host.StopAsync(stop.Token);
        }
    }

    private static WardenClient Agent(string credential, IEnumerable<Uri> endpoints) => WardenClient.Create(Options(credential, endpoints));

    private static WardenOperatorClient Operator(string key, IEnumerable<Uri> endpoints) => WardenOperatorClient.Create(Options(key, endpoints));

    private static WardenClientOptions Options(string credential, IEnumerable<Uri> endpoints)
    {
        var options = new WardenClientOptions { Credential = credential, CallTimeout = TimeSpan.FromSeconds(10) };
        foreach (var endpoint in endpoints)
        {
            options.Endpoints.Add(endpoint);
        }

        return options;
    }

    private static string Tail(string text) => text.Length <= 8000 ? text : text[^8000..];
}
