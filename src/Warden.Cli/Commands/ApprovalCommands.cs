using System.CommandLine;
using Warden.Cli.Output;
using Warden.Client.Operators;
using Warden.Protocol.V1;

namespace Warden.Cli.Commands;

/// <summary><c>warden approvals list|approve|deny</c>.</summary>
internal static class ApprovalCommands
{
    public static Command Create() => new("approvals", "approvals waiting for an operator")
    {
        List(),
        Decide("approve", "approve a pending approval", (c, t, s, a, why, ct) => c.ApproveAsync(t, s, a, why, ct)),
        Decide("deny", "deny a pending approval", (c, t, s, a, why, ct) => c.DenyAsync(t, s, a, why, ct)),
    };

    private static Command List()
    {
        var tenant = CliOptions.Tenant();
        var command = new Command("list", "list pending approvals") { tenant };
        command.SetAction((parse, ct) => CliRun.AsOperatorAsync(parse, async (client, printer, token) =>
        {
            if (!CliRun.TryRequire(printer, parse.GetValue(tenant), "--tenant", out var tenantId))
            {
                return;
            }

            var pending = await client.ListPendingApprovalsAsync(tenantId, token).ConfigureAwait(false);
            printer.PrintList(pending, Describe.Approval, "no pending approvals");
        }, ct));
        return command;
    }

    private static Command Decide(string verb, string description, Func<WardenOperatorClient, string, string, string, string?, CancellationToken, Task<Approval>> call)
    {
        var tenant = CliOptions.Tenant();
        var approvalId = new Argument<string>("approval-id");
        var session = new Option<string>("--session") { Description = "the approval's session id (see approvals list)", Required = true };
        var note = new Option<string?>("--note") { Description = "note recorded with the decision" };
        var command = new Command(verb, description) { approvalId, tenant, session, note };
        command.SetAction((parse, ct) => CliRun.AsOperatorAsync(parse, async (client, printer, token) =>
        {
            if (!CliRun.TryRequire(printer, parse.GetValue(tenant), "--tenant", out var tenantId))
            {
                return;
            }

            var decided = await call(client, tenantId, parse.GetRequiredValue(session), parse.GetRequiredValue(approvalId), parse.GetValue(note), token).ConfigureAwait(false);
            printer.Print(decided, w => Describe.Approval(w, decided));
        }, ct));
        return command;
    }
}
