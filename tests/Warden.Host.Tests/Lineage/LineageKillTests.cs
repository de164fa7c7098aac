using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Warden.Client;
using Warden.Client.Operators;
using Warden.Host.Tests.Infrastructure;
using Warden.Protocol.V1;

namespace Warden.Host.Tests.Lineage;

/// <summary>
/// The real host process (dotnet Warden.Host.dll with a data folder) is killed while agents are being answered; after a
/// restart on the same folder every decision an agent received is in the lineage log and the chain verifies, and a session
/// whose decisions were only in lineage (its state written behind) replays them: its sequence rule and use count hold.
/// </summary>
public sealed class LineageKillTests : IAsyncLifetime
{
    private readonly string _dataPath = Path.Combine(Path.GetTempPath(), "warden-lineage-kill-" + Guid.NewGuid().ToString("N"));

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(_dataPath, recursive: true);
        }
        catch (IOException)
        {
        }

        return Task.CompletedTask;
    }

    [Fact]
    public async Task HostKilledWhileDeciding_AfterRestartEveryReceivedDecisionIsInTheVerifiedChain()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var received = new ConcurrentBag<string>();
        var answered = 0;
        string tenant;
        (string Tenant, string Credential) credential;
        string journaled;
        using (var first = await ChildHost.StartAsync(_dataPath, timeout.Token))
        {
            credential = await SetUpAsync(first, timeout.Token);
            tenant = credential.Tenant;
            await using var agent = WardenClient.Create(first.Grpc.ToString(), credential.Credential);

            // A session whose decisions the state never holds before the kill (its state is written behind only after
            // 10 minutes or 100,000 decisions here): a secret read that spends one of two uses of its vault grant.
            var journal = await agent.OpenSessionAsync(
                WardenModel.Intent("answer a customer", purpose: "support"),
                [new ScopeRule { Actions = { "vault.read" }, Resources = { "Acme::Vault::*" }, MaxUses = 2 }, WardenModel.Rule("email.send", "Acme::Mailbox::*")],
                cancellationToken: timeout.Token);
            journaled = journal.Id;
            var secret = await journal.EvaluateAsync("vault.read", WardenModel.Resource("Acme::Vault", "prod-db-password"), cancellationToken: timeout.Token);
            Assert.True(secret.Decision == Decision.Allow, string.Join("; ", secret.Reasons.Select(r => r.Message)));
            received.Add(secret.DecisionId);
            var sessions = new List<Client.Agents.WardenSession>();
            for (var i = 0; i < 4; i++)
            {
                sessions.Add(await LineageScenario.SessionAsync(agent));
            }

            // Agents decide concurrently; once enough answers are in, the host is killed mid-flight.
            using var enough = new SemaphoreSlim(0);
            var deciders = sessions.Select(session => Task.Run(async () =>
            {
                try
                {
                    for (var n = 0; ; n++)
                    {
                        var decision = await session.EvaluateAsync("email.send", WardenModel.Resource("Acme::Mailbox", "m" + n), LineageScenario.Mail, timeout.Token);
                        received.Add(decision.DecisionId);
                        if (Interlocked.Increment(ref answered) == 60)
                        {
                            enough.Release();
                        }
                    }
                }
                catch (Exception ex) when (ex is Grpc.Core.RpcException or HttpRequestException or OperationCanceledException or IOException)
                {
                    // The host died under this call: the agent never received this decision.
                }
            })).ToArray();
            await enough.WaitAsync(timeout.Token);
            first.Kill();
            await Task.WhenAll(deciders);
        }

        Assert.True(received.Count >= 60);
        using var second = await ChildHost.StartAsync(_dataPath, timeout.Token);
        using var channel = GrpcChannel.ForAddress(second.Grpc);
        var lineage = new Protocol.V1.Lineage.LineageClient(channel.Intercept(h =>
        {
            h.Add("authorization", "Bearer " + second.OperatorKey);
            return h;
        }));
        var verified = await lineage.VerifyAuditAsync(new VerifyAuditRequest { TenantId = tenant }, cancellationToken: timeout.Token);
        Assert.True(verified.Intact, verified.Message);

        var recorded = new HashSet<string>(StringComparer.Ordinal);
        long cursor = 0;
        while (true)
        {
            var page = await lineage.QueryLineageAsync(new QueryLineageRequest { TenantId = tenant, Kind = "decision", AfterSequence = cursor, Limit = 1000 }, cancellationToken: timeout.Token);
            if (page.Records.Count == 0)
            {
                break;
            }

            recorded.UnionWith(page.Records.Select(r => r.DecisionId));
            cursor = page.NextCursor;
        }

        var missing = received.Where(id => !recorded.Contains(id)).ToArray();
        Assert.True(missing.Length == 0, $"{missing.Length} of {received.Count} received decisions are missing from lineage, e.g. {missing.FirstOrDefault()}");

        // The journaled session replayed its decisions from lineage: the sequence rule and the use count hold.
        await using var again = WardenClient.Create(second.Grpc.ToString(), credential.Credential);
        var resumed = again.AttachSession(journaled);
        var send = await resumed.EvaluateAsync("email.send", WardenModel.Resource("Acme::Mailbox", "out"), LineageScenario.Mail, timeout.Token);
        var secondUse = await resumed.EvaluateAsync("vault.read", WardenModel.Resource("Acme::Vault", "prod-db-password"), cancellationToken: timeout.Token);
        var thirdUse = await resumed.EvaluateAsync("vault.read", WardenModel.Resource("Acme::Vault", "prod-db-password"), cancellationToken: timeout.Token);

        Assert.Equal("policy_forbidden", send.Reasons[0].Code);
        Assert.Contains("no-external-send-after-secret", send.DeterminingPolicies);
        Assert.True(secondUse.Decision == Decision.Allow, string.Join("; ", secondUse.Reasons.Select(r => r.Code + ": " + r.Message)));
        Assert.Equal("grant_exhausted", thirdUse.Reasons[0].Code);
        var after = await lineage.VerifyAuditAsync(new VerifyAuditRequest { TenantId = tenant }, cancellationToken: timeout.Token);
        Assert.True(after.Intact, after.Message);
    }

    private static async Task<(string Tenant, string Credential)> SetUpAsync(ChildHost host, CancellationToken cancellationToken)
    {
        var tenant = "t-" + Guid.NewGuid().ToString("N")[..12];
        await using var op = WardenOperatorClient.Create(host.Grpc.ToString(), host.OperatorKey);
        await op.CreateTenantAsync(tenant, "kill test", cancellationToken);
        await op.PublishPoliciesAsync(tenant, RepoFiles.SamplePolicies(), File.ReadAllText(RepoFiles.Sample("schema/acme.cedarschema")), File.ReadAllText(RepoFiles.Sample("entities/acme.entities.json")), cancellationToken);
        var registered = await op.RegisterAgentAsync(
            new RegisterAgentRequest
            {
                TenantId = tenant,
                AgentId = "helper",
                Owner = "ann@example.com",
                DisplayName = "Support helper",
                ActionSurface =
                {
                    new ScopeRule { Actions = { "vault.read" }, Resources = { "Acme::Vault::*" } },
                    new ScopeRule { Actions = { "email.send" }, Resources = { "Acme::Mailbox::*" } },
                },
            },
            cancellationToken);
        return (tenant, registered.Credential);
    }

    /// <summary>dotnet Warden.Host.dll on free ports with a data folder; ready when it logs that it listens.</summary>
    private sealed class ChildHost : IDisposable
    {
        private readonly Process _process;

        private ChildHost(Process process, Uri grpc, string operatorKey)
        {
            _process = process;
            Grpc = grpc;
            OperatorKey = operatorKey;
        }

        public Uri Grpc { get; }

        public string OperatorKey { get; }

        public static async Task<ChildHost> StartAsync(string dataPath, CancellationToken cancellationToken)
        {
            var dll = Path.Combine(RepoFiles.Root, "src", "Warden.Host", "bin",
#if DEBUG
                "Debug",
#else
                "Release",
#endif
                "net10.0", "Warden.Host.dll");
            int grpc = Warden.Testing.FreePort.Next(), http = Warden.Testing.FreePort.Next(), silo = Warden.Testing.FreePort.Next(), gateway = Warden.Testing.FreePort.Next();
            var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
            {
                ArgumentList =
                {
                    dll, "--grpc-port", Text(grpc), "--http-port", Text(http), "--silo-port", Text(silo), "--gateway-port", Text(gateway),
                    "--data", dataPath, "--Warden:Lineage:Durability=Durable",
                    "--Warden:Lineage:StateWriteBehindDelay=00:10:00", "--Warden:Lineage:StateWriteBehindDecisions=100000",
                },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the host");
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data?.Contains("Warden listening", StringComparison.Ordinal) == true)
                {
                    ready.TrySetResult();
                }
            };
            process.ErrorDataReceived += (_, _) => { };
            process.EnableRaisingEvents = true;
            process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException("the host exited before it listened"));
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            try
            {
                await ready.Task.WaitAsync(cancellationToken);
            }
            catch
            {
                process.Kill(entireProcessTree: true);
                process.Dispose();
                throw;
            }

            var key = (await File.ReadAllTextAsync(Path.Combine(dataPath, "operator.key"), cancellationToken)).Trim();
            return new ChildHost(process, new Uri($"http://127.0.0.1:{grpc}"), key);
        }

        /// <summary>SIGKILL: no shutdown hooks, no flush.</summary>
        public void Kill()
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                Kill();
            }

            _process.Dispose();
        }

        private static string Text(int port) => port.ToString(CultureInfo.InvariantCulture);
    }
}
