using System.CommandLine;
using Warden.Cli.Output;
using Warden.Client.Operators;
using Warden.Protocol.V1;

namespace Warden.Cli.Commands;

/// <summary><c>warden approvals list|approve|deny</c>.</summary>
internal static class ApprovalCommands
{
    public static Command Create() => new("approvals", "grant requests waiting for an operator")
    {
        List(),
        Decide("approve", "approve a pending grant request", (c, t, r, why, ct) => c.ApproveAsync(t, r, why, ct)),
        Decide("deny", "deny a pending grant request", (c, t, r, why, ct) => c.DenyAsync(t, r, why, ct)),
    };

    private static Command List()
    {
        var tenant = CliOptions.Tenant();
        var command = new Command("list", "list pending grant requests") { tenant };
        command.SetAction((parse, ct) => CliRun.AsOperatorAsync(parse, async (client, printer, token) =>
        {
            if (!CliRun.TryRequire(printer, parse.GetValue(tenant), "--tenant", out var tenantId))
            {
                return;
            }

            var pending = await client.ListPendingApprovalsAsync(tenantId, token).ConfigureAwait(false);
            printer.PrintList(pending, Describe.GrantRequest, "no pending approvals");
        }, ct));
        return command;
    }

    private static Command Decide(string verb, string description, Func<WardenOperatorClient, string, string, string?, CancellationToken, Task<GrantRequest>> call)
    {
        var tenant = CliOptions.Tenant();
        var requestId = new Argument<string>("request-id");
        var reason = CliOptions.Reason();
        var command = new Command(verb, description) { requestId, tenant, reason };
        command.SetAction((parse, ct) => CliRun.AsOperatorAsync(parse, async (client, printer, token) =>
        {
            if (!CliRun.TryRequire(printer, parse.GetValue(tenant), "--tenant", out var tenantId))
            {
                return;
            }

            var decided = await call(client, tenantId, parse.GetRequiredValue(requestId), parse.GetValue(reason), token).ConfigureAwait(false);
            printer.Print(decided, w => Describe.GrantRequest(w, decided));
        }, ct));
        return command;
    }
}
