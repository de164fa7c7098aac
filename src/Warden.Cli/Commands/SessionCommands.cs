using System.CommandLine;
using Google.Protobuf.WellKnownTypes;
using Warden.Cli.Output;
using Warden.Cli.Parsing;
using Warden.Client;
using Warden.Protocol.V1;

namespace Warden.Cli.Commands;

/// <summary>
/// <c>warden session open|evaluate|close</c> (as the agent, with its credential) and <c>show|list</c> (as an operator).
/// </summary>
internal static class SessionCommands
{
    public static Command Create() => new("session", "task-scoped sessions") { Open(), Evaluate(), Close(), Show(), List() };

    private static Command Open()
    {
        var intent = new Option<string>("--intent", "-i") { Description = "the declared task", Required = true };
        var promptId = new Option<string?>("--prompt-id") { Description = "id of the prompt that started the task" };
        var promptHash = new Option<string?>("--prompt-hash") { Description = "hash of that prompt" };
        var onBehalfOf = new Option<string?>("--on-behalf-of") { Description = "the user the agent acts for" };
        var purpose = new Option<string?>("--purpose") { Description = "the task kind, for intent rules in policy" };
        var scope = new Option<string[]>("--scope")
        {
            Description = "requested scope, repeatable: 'ACTIONS on RESOURCES', e.g. 'db.query on Table::*'",
            Required = true,
        };
        var ttl = new Option<string?>("--ttl") { Description = "session lifetime: 90s, 5m, 1h (default: the server's)" };
        var command = new Command("open", "open a session as the agent (prints the session id and grants)") { intent, purpose, promptId, promptHash, onBehalfOf, scope, ttl };
        command.SetAction((parse, ct) => CliRun.AsAgentAsync(parse, async (client, printer, token) =>
        {
            var request = new OpenSessionRequest
            {
                Intent = WardenModel.Intent(parse.GetRequiredValue(intent), parse.GetValue(promptId), parse.GetValue(promptHash), parse.GetValue(onBehalfOf)),
            };
            request.Intent.Purpose = parse.GetValue(purpose) ?? string.Empty;
            request.RequestedScope.AddRange(parse.GetRequiredValue(scope).Select(ScopeText.Parse));
            if (parse.GetValue(ttl) is { } ttlText)
            {
                request.Ttl = Duration.FromTimeSpan(DurationText.Parse(ttlText));
            }

            var session = await client.OpenSessionAsync(request, token).ConfigureAwait(false);
            printer.Print(session.Opened, w => Describe.Opened(w, session.Opened));
        }, ct));
        return command;
    }

    private static Command Evaluate()
    {
        var sessionId = new Argument<string>("session-id");
        var action = new Option<string>("--action", "-a") { Description = "the action, e.g. db.query", Required = true };
        var resource = new Option<string>("--resource", "-r") { Description = "the resource as Type::\"id\"", Required = true };
        var input = new Option<string?>("--args") { Description = "the tool arguments as a JSON object" };
        var attributes = new Option<string?>("--attrs") { Description = "resource attributes as a JSON object" };
        var labels = new Option<string[]>("--label") { Description = "data label of the resource, repeatable (secret, pii, ...)" };
        var command = new Command("evaluate", "ask whether the agent may take an action now (exit 0 with the decision)") { sessionId, action, resource, input, attributes, labels };
        command.SetAction((parse, ct) => CliRun.AsAgentAsync(parse, async (client, printer, token) =>
        {
            var target = ResourceText.Parse(parse.GetRequiredValue(resource));
            if (parse.GetValue(attributes) is { } attrs)
            {
                target.Attributes = Struct.Parser.ParseJson(attrs);
            }

            target.Labels.AddRange(parse.GetValue(labels) ?? []);

            var session = client.AttachSession(parse.GetRequiredValue(sessionId));
            var decision = await session.EvaluateAsync(parse.GetRequiredValue(action), target, parse.GetValue(input), token).ConfigureAwait(false);
            printer.Print(decision, w => Describe.Decision(w, decision));
        }, ct));
        return command;
    }

    private static Command Close()
    {
        var sessionId = new Argument<string>("session-id");
        var command = new Command("close", "close a session: every grant in it ends") { sessionId };
        command.SetAction((parse, ct) => CliRun.AsAgentAsync(parse, async (client, printer, token) =>
        {
            var session = client.AttachSession(parse.GetRequiredValue(sessionId));
            var closed = await session.CloseAsync(token).ConfigureAwait(false);
            printer.Print(closed, w => w.WriteLine($"session {closed.SessionId} is {Describe.Name(closed.Status, string.Empty)}"));
        }, ct));
        return command;
    }

    private static Command Show()
    {
        var tenant = CliOptions.Tenant();
        var sessionId = new Argument<string>("session-id");
        var command = new Command("show", "show a session with its grants and history (operator)") { sessionId, tenant };
        command.SetAction((parse, ct) => CliRun.AsOperatorAsync(parse, async (client, printer, token) =>
        {
            if (!CliRun.TryRequire(printer, parse.GetValue(tenant), "--tenant", out var tenantId))
            {
                return;
            }

            var detail = await client.GetSessionAsync(tenantId, parse.GetRequiredValue(sessionId), token).ConfigureAwait(false);
            printer.Print(detail, w => Describe.SessionDetail(w, detail));
        }, ct));
        return command;
    }

    private static Command List()
    {
        var tenant = CliOptions.Tenant();
        var agent = new Option<string?>("--agent") { Description = "only this agent's sessions" };
        var limit = new Option<int>("--limit") { Description = "at most this many (default 100)", DefaultValueFactory = _ => 100 };
        var command = new Command("list", "list the tenant's live sessions, newest first (operator)") { tenant, agent, limit };
        command.SetAction((parse, ct) => CliRun.AsOperatorAsync(parse, async (client, printer, token) =>
        {
            if (!CliRun.TryRequire(printer, parse.GetValue(tenant), "--tenant", out var tenantId))
            {
                return;
            }

            var sessions = await client.ListSessionsAsync(
                new ListSessionsRequest { TenantId = tenantId, AgentId = parse.GetValue(agent) ?? string.Empty, Limit = parse.GetValue(limit) },
                token).ConfigureAwait(false);
            printer.PrintList(sessions, Describe.SessionLine, "no sessions");
        }, ct));
        return command;
    }
}
