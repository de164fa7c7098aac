using System.CommandLine;
using Warden.Cli.Output;
using Warden.Cli.Parsing;
using Warden.Protocol.V1;

namespace Warden.Cli.Commands;

/// <summary><c>warden agent register|list|suspend|reactivate|retire|rotate-credential</c>.</summary>
internal static class AgentCommands
{
    public static Command Create() => new("agent", "agents of a tenant")
    {
        Register(),
        List(),
        StatusChange("suspend", "suspend an agent: no new sessions, every evaluation denied", (c, t, a, r, ct) => c.SuspendAgentAsync(t, a, r, ct)),
        StatusChange("reactivate", "reactivate a suspended agent", (c, t, a, r, ct) => c.ReactivateAgentAsync(t, a, r, ct)),
        StatusChange("retire", "retire an agent for good", (c, t, a, r, ct) => c.RetireAgentAsync(t, a, r, ct)),
        RotateCredential(),
    };

    private static Command Register()
    {
        var tenant = CliOptions.Tenant();
        var owner = new Option<string>("--owner") { Description = "the accountable human", Required = true };
        var name = new Option<string?>("--name") { Description = "display name (default: the id)" };
        var id = new Argument<string>("agent-id") { Description = "letters, digits and '._-'; never reused in the tenant" };
        var riskTier = new Option<string?>("--risk-tier") { Description = "reaches Cedar as principal.riskTier" };
        var labels = new Option<string[]>("--label") { Description = "agent label, repeatable (principal.labels)" };
        var groups = new Option<string[]>("--group") { Description = "agent group, repeatable" };
        var allow = new Option<string[]>("--allow")
        {
            Description = "declared action surface, repeatable: 'ACTIONS on RESOURCES', e.g. 'db.query,db.read on Table::*'",
            Required = true,
            AllowMultipleArgumentsPerToken = false,
        };
        var command = new Command("register", "register an agent and print its credential (shown once)") { id, tenant, owner, name, allow, riskTier, labels, groups };
        command.SetAction((parse, ct) => CliRun.AsOperatorAsync(parse, async (client, printer, token) =>
        {
            if (!CliRun.TryRequire(printer, parse.GetValue(tenant), "--tenant", out var tenantId))
            {
                return;
            }

            var request = new RegisterAgentRequest
            {
                TenantId = tenantId,
                AgentId = parse.GetRequiredValue(id),
                Owner = parse.GetRequiredValue(owner),
                DisplayName = parse.GetValue(name) ?? parse.GetRequiredValue(id),
                RiskTier = parse.GetValue(riskTier) ?? string.Empty,
            };
            request.Labels.AddRange(parse.GetValue(labels) ?? []);
            request.Groups.AddRange(parse.GetValue(groups) ?? []);
            request.ActionSurface.AddRange(parse.GetRequiredValue(allow).Select(ScopeText.Parse));
            var response = await client.RegisterAgentAsync(request, token).ConfigureAwait(false);
            printer.Print(response, w =>
            {
                Describe.AgentDetail(w, response.Agent);
                w.WriteLine($"credential {response.Credential}");
                w.WriteLine("(shown once: Warden keeps only its hash)");
            });
        }, ct));
        return command;
    }

    private static Command List()
    {
        var tenant = CliOptions.Tenant();
        var status = new Option<AgentStatus>("--status") { Description = "only agents with this status (Active, Suspended, Retired)" };
        var command = new Command("list", "list the tenant's agents") { tenant, status };
        command.SetAction((parse, ct) => CliRun.AsOperatorAsync(parse, async (client, printer, token) =>
        {
            if (!CliRun.TryRequire(printer, parse.GetValue(tenant), "--tenant", out var tenantId))
            {
                return;
            }

            var agents = await client.ListAgentsAsync(tenantId, parse.GetValue(status), token).ConfigureAwait(false);
            printer.PrintList(agents, Describe.Agent, "no agents");
        }, ct));
        return command;
    }

    private static Command RotateCredential()
    {
        var tenant = CliOptions.Tenant();
        var agentId = new Argument<string>("agent-id");
        var reason = new Option<string>("--reason") { Description = "reason recorded with the rotation", Required = true };
        var command = new Command("rotate-credential", "replace an agent's credential and print the new one (shown once); the old one is refused everywhere once this returns")
        {
            agentId, tenant, reason,
        };
        command.SetAction((parse, ct) => CliRun.AsOperatorAsync(parse, async (client, printer, token) =>
        {
            if (!CliRun.TryRequire(printer, parse.GetValue(tenant), "--tenant", out var tenantId))
            {
                return;
            }

            var rotated = await client.RotateAgentCredentialAsync(tenantId, parse.GetRequiredValue(agentId), parse.GetRequiredValue(reason), token).ConfigureAwait(false);
            printer.Print(rotated, w =>
            {
                w.WriteLine($"agent {rotated.Agent.AgentId}: credential rotated; the old one is refused from now on");
                w.WriteLine($"credential {rotated.Credential}");
                w.WriteLine("(shown once: Warden keeps only its hash)");
            });
        }, ct));
        return command;
    }

    private static Command StatusChange(string verb, string description, Func<Client.Operators.WardenOperatorClient, string, string, string, CancellationToken, Task<AgentStatusChangeResponse>> call)
    {
        var tenant = CliOptions.Tenant();
        var agentId = new Argument<string>("agent-id");
        var reason = new Option<string>("--reason") { Description = "reason recorded with the change", Required = true };
        var command = new Command(verb, description) { agentId, tenant, reason };
        command.SetAction((parse, ct) => CliRun.AsOperatorAsync(parse, async (client, printer, token) =>
        {
            if (!CliRun.TryRequire(printer, parse.GetValue(tenant), "--tenant", out var tenantId))
            {
                return;
            }

            var changed = await call(client, tenantId, parse.GetRequiredValue(agentId), parse.GetRequiredValue(reason), token).ConfigureAwait(false);
            printer.Print(changed, w => w.WriteLine($"agent {changed.Agent.AgentId} is {Describe.Name(changed.Agent.Status, string.Empty)}; {changed.SessionsEnded} live sessions ended"));
        }, ct));
        return command;
    }
}
