using System.CommandLine;
using Grpc.Core;
using Warden.Cli.Output;
using Warden.Client.Connection;
using P = Warden.Protocol.V1;

namespace Warden.Cli.Commands;

/// <summary><c>warden audit verify</c> and <c>warden lineage SESSION</c>: the lineage log through the Lineage gRPC service.</summary>
internal static class LineageCommands
{
    /// <summary>Exit code of a verification that found the chain broken.</summary>
    public const int ChainBroken = 3;

    public static Command CreateAudit()
    {
        var tenant = CliOptions.Tenant();
        var anchor = new Option<string?>("--anchor") { Description = "a head printed by an earlier verification (sequence:hash): also catches a rewritten suffix" };
        var verify = new Command("verify", "verify a tenant's lineage chain end to end; names the first record altered, removed or reordered") { tenant, anchor };
        verify.SetAction((parse, ct) => RunAsync(parse, async (client, printer, token) =>
        {
            if (!CliRun.TryRequire(printer, parse.GetValue(tenant), "--tenant", out var tenantId))
            {
                return;
            }

            var result = await client.VerifyAuditAsync(new P.VerifyAuditRequest { TenantId = tenantId, Anchor = parse.GetValue(anchor) ?? string.Empty }, cancellationToken: token).ConfigureAwait(false);
            printer.Print(result, w =>
            {
                if (result.Intact)
                {
                    w.WriteLine($"lineage of tenant {tenantId}: INTACT, {result.RecordsVerified} records verified");
                    w.WriteLine($"head {result.Head}  (keep it; pass it as --anchor next time)");
                }
                else
                {
                    w.WriteLine($"lineage of tenant {tenantId}: BROKEN ({result.Fault}) at record {result.FirstBadSequence}");
                    w.WriteLine(result.Message);
                    w.WriteLine($"records verified before it: {result.RecordsVerified} (last good sequence {result.LastGoodSequence})");
                }
            });
            if (!result.Intact)
            {
                printer.Fail(ChainBroken, $"the lineage chain of tenant {tenantId} is broken at record {result.FirstBadSequence} ({result.Fault})");
            }
        }, ct));

        return new Command("audit", "the tamper-evident lineage chain") { verify };
    }

    public static Command CreateLineage()
    {
        var tenant = CliOptions.Tenant();
        var session = new Argument<string>("session-id") { Description = "the session (32 hex characters)" };
        var lineage = new Command("lineage", "print a session's lineage as a tree: intent → each decision → resources (--json for JSON)") { session, tenant };
        lineage.SetAction((parse, ct) => RunAsync(parse, async (client, printer, token) =>
        {
            if (!CliRun.TryRequire(printer, parse.GetValue(tenant), "--tenant", out var tenantId))
            {
                return;
            }

            var tree = await client.GetSessionLineageAsync(new P.GetSessionLineageRequest { TenantId = tenantId, SessionId = parse.GetRequiredValue(session) }, cancellationToken: token).ConfigureAwait(false);

            // The tree has its own JSON form (nested), which is what --json prints.
            parse.InvocationConfiguration.Output.Write(printer.Json ? tree.Json + Environment.NewLine : tree.Text);
        }, ct));
        return lineage;
    }

    private static async Task<int> RunAsync(ParseResult parse, Func<P.Lineage.LineageClient, CliPrinter, CancellationToken, Task> action, CancellationToken cancellationToken)
    {
        var printer = new CliPrinter(parse);
        var key = parse.GetValue(CliOptions.OperatorKey);
        if (string.IsNullOrWhiteSpace(key))
        {
            return printer.Fail(CliRun.UsageError, "an operator key is required: --operator-key or WARDEN_OPERATOR_KEY");
        }

        try
        {
            var options = new WardenClientOptions { Credential = key };
            options.Endpoints.Add(new Uri(parse.GetRequiredValue(CliOptions.Url)));
            using var connection = WardenConnection.Open(options);
            await action(new P.Lineage.LineageClient(connection.Invoker), printer, cancellationToken).ConfigureAwait(false);
            return printer.ExitCode;
        }
        catch (RpcException e)
        {
            return printer.Fail(CliRun.CallFailed, RpcErrorText.Describe(e));
        }
        catch (Exception e) when (e is UriFormatException or ArgumentException)
        {
            return printer.Fail(CliRun.UsageError, e.Message);
        }
    }
}
