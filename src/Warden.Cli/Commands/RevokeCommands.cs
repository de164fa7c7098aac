using System.CommandLine;
using Warden.Cli.Output;
using Warden.Client.Operators;
using Warden.Protocol.V1;

namespace Warden.Cli.Commands;

/// <summary>
/// The kill switch: <c>warden revoke session|agent|tenant ID --reason …</c> and <c>warden reactivate agent|tenant ID
/// --reason …</c>. A revoke prints its receipt only when every live session in scope confirmed the revocation; otherwise
/// the call fails (exit code 1) and repeating it repeats the fan-out.
/// </summary>
internal static class RevokeCommands
{
    public static Command CreateRevoke() => new("revoke", "kill switch: revoke a session, an agent or a whole tenant, cluster-wide")
    {
        Scoped("session", "session-id", "revoke one session; it never comes back", (c, t, id, r, ct) =>
            c.Operator.RevokeSessionAsync(new RevokeSessionRequest { TenantId = t, SessionId = id, Reason = r }, cancellationToken: ct).ResponseAsync),
        Scoped("agent", "agent-id", "suspend an agent: its live sessions are revoked and it opens no new ones until reactivated", (c, t, id, r, ct) =>
            c.Operator.RevokeAgentAsync(new RevokeAgentRequest { TenantId = t, AgentId = id, Reason = r }, cancellationToken: ct).ResponseAsync),
        Tenant(),
    };

    public static Command CreateReactivate()
    {
        var tenantId = new Argument<string>("tenant-id");
        var reason = Reason();
        var tenant = new Command("tenant", "reactivate a frozen tenant (revoked sessions stay revoked)") { tenantId, reason };
        tenant.SetAction((parse, ct) => CliRun.AsOperatorAsync(parse, async (client, printer, token) =>
        {
            var reactivated = await client.Operator.ReactivateTenantAsync(
                new ReactivateTenantRequest { TenantId = parse.GetRequiredValue(tenantId), Reason = parse.GetRequiredValue(reason) },
                cancellationToken: token).ResponseAsync.ConfigureAwait(false);
            printer.Print(reactivated, w => w.WriteLine($"tenant {reactivated.TenantId} is {Describe.Name(reactivated.Status, string.Empty)}"));
        }, ct));

        var agentTenant = CliOptions.Tenant();
        var agentId = new Argument<string>("agent-id");
        var agentReason = Reason();
        var agent = new Command("agent", "reactivate a suspended agent (revoked sessions stay revoked)") { agentId, agentTenant, agentReason };
        agent.SetAction((parse, ct) => CliRun.AsOperatorAsync(parse, async (client, printer, token) =>
        {
            if (!CliRun.TryRequire(printer, parse.GetValue(agentTenant), "--tenant", out var t))
            {
                return;
            }

            var changed = await client.ReactivateAgentAsync(t, parse.GetRequiredValue(agentId), parse.GetRequiredValue(agentReason), token).ConfigureAwait(false);
            printer.Print(changed, w => w.WriteLine($"agent {changed.Agent.AgentId} is {Describe.Name(changed.Agent.Status, string.Empty)}"));
        }, ct));

        return new Command("reactivate", "undo an agent suspension or a tenant freeze") { agent, tenant };
    }

    private static Command Scoped(string scope, string idName, string description, Func<WardenOperatorClient, string, string, string, CancellationToken, Task<RevocationReceipt>> call)
    {
        var tenant = CliOptions.Tenant();
        var id = new Argument<string>(idName);
        var reason = Reason();
        var command = new Command(scope, description) { id, tenant, reason };
        command.SetAction((parse, ct) => CliRun.AsOperatorAsync(parse, async (client, printer, token) =>
        {
            if (!CliRun.TryRequire(printer, parse.GetValue(tenant), "--tenant", out var tenantId))
            {
                return;
            }

            var receipt = await call(client, tenantId, parse.GetRequiredValue(id), parse.GetRequiredValue(reason), token).ConfigureAwait(false);
            printer.Print(receipt, w => Receipt(w, receipt));
        }, ct));
        return command;
    }

    private static Command Tenant()
    {
        var id = new Argument<string>("tenant-id");
        var reason = Reason();
        var command = new Command("tenant", "freeze a tenant: every live session is revoked and it decides nothing but deny until reactivated") { id, reason };
        command.SetAction((parse, ct) => CliRun.AsOperatorAsync(parse, async (client, printer, token) =>
        {
            var receipt = await client.Operator.RevokeTenantAsync(
                new RevokeTenantRequest { TenantId = parse.GetRequiredValue(id), Reason = parse.GetRequiredValue(reason) },
                cancellationToken: token).ResponseAsync.ConfigureAwait(false);
            printer.Print(receipt, w => Receipt(w, receipt));
        }, ct));
        return command;
    }

    private static Option<string> Reason() => new("--reason") { Description = "why (recorded in state, the receipt and lineage)", Required = true };

    private static void Receipt(TextWriter w, RevocationReceipt r)
    {
        w.WriteLine($"revoked {Describe.Name(r.Scope, string.Empty).ToLowerInvariant()} {r.Target} in tenant {r.TenantId}: {r.SessionsRevoked} live sessions revoked");
        w.WriteLine($"effective {Describe.Time(r.EffectiveAt)}, confirmed by every session {Describe.Time(r.CompletedAt)}, by {r.RevokedBy}: {r.Reason}");
    }
}
