using Google.Protobuf.WellKnownTypes;
using Warden.Client;
using Warden.Host.Tests.Infrastructure;
using Warden.Protocol.V1;

namespace Warden.Host.Tests.Validation;

[Collection(HostCollection.Name)]
public sealed class AgentValidationTests(WardenHostFixture host) : IAsyncLifetime
{
    private Client.WardenClient _agent = null!;
    private Client.Agents.WardenSession _session = null!;

    public async Task InitializeAsync()
    {
        (_, _, _agent) = await Scenario.AgentAsync(host);
        _session = await Scenario.OpenSessionAsync(_agent);
    }

    public async Task DisposeAsync()
    {
        await _session.DisposeAsync();
        await _agent.DisposeAsync();
    }

    private Task<EvaluateResponse> Evaluate(EvaluateRequest request) => _agent.Runtime.EvaluateAsync(request).ResponseAsync;

    private EvaluateRequest Valid() => new() { SessionId = _session.Id, Action = "db.query", Resource = new Resource { Type = "Table", Id = "orders" } };

    [Fact]
    public async Task Evaluate_MissingSessionId_InvalidArgumentNamingSessionId()
    {
        var request = Valid();
        request.SessionId = string.Empty;
        await RpcAssert.InvalidField("session_id", () => Evaluate(request));
    }

    [Fact]
    public async Task Evaluate_MalformedSessionId_InvalidArgumentNamingSessionId()
    {
        var request = Valid();
        request.SessionId = "not-a-session";
        await RpcAssert.InvalidField("session_id", () => Evaluate(request));
    }

    [Fact]
    public async Task Evaluate_MissingAction_InvalidArgumentNamingAction()
    {
        var request = Valid();
        request.Action = string.Empty;
        await RpcAssert.InvalidField("action", () => Evaluate(request));
    }

    [Fact]
    public async Task Evaluate_OversizedAction_InvalidArgumentNamingAction()
    {
        var request = Valid();
        request.Action = new string('a', WardenLimits.MaxActionLength + 1);
        await RpcAssert.InvalidField("action", () => Evaluate(request));
    }

    [Fact]
    public async Task Evaluate_MissingResource_InvalidArgumentNamingResource()
    {
        var request = Valid();
        request.Resource = null;
        await RpcAssert.InvalidField("resource", () => Evaluate(request));
    }

    [Fact]
    public async Task Evaluate_MalformedResourceType_InvalidArgumentNamingResourceType()
    {
        var request = Valid();
        request.Resource.Type = "Table\"; drop";
        await RpcAssert.InvalidField("resource.type", () => Evaluate(request));
    }

    [Fact]
    public async Task Evaluate_OversizedResourceId_InvalidArgumentNamingResourceId()
    {
        var request = Valid();
        request.Resource.Id = new string('x', WardenLimits.MaxResourceIdLength + 1);
        await RpcAssert.InvalidField("resource.id", () => Evaluate(request));
    }

    [Fact]
    public async Task Evaluate_InputJsonNotAnObject_InvalidArgumentNamingInputJson()
    {
        var request = Valid();
        request.InputJson = "[1, 2";
        await RpcAssert.InvalidField("input_json", () => Evaluate(request));
    }

    [Fact]
    public async Task Evaluate_OversizedInput_InvalidArgumentNamingInput()
    {
        var request = Valid();
        request.Input = new Struct { Fields = { ["blob"] = Value.ForString(new string('z', WardenLimits.MaxInputJsonLength)) } };
        await RpcAssert.InvalidField("input", () => Evaluate(request));
    }

    [Fact]
    public async Task Evaluate_OversizedAttributes_InvalidArgumentNamingResourceAttributes()
    {
        var request = Valid();
        request.Resource.Attributes = new Struct { Fields = { ["blob"] = Value.ForString(new string('z', WardenLimits.MaxAttributesJsonLength)) } };
        await RpcAssert.InvalidField("resource.attributes", () => Evaluate(request));
    }

    [Fact]
    public async Task OpenSession_MissingIntent_InvalidArgumentNamingIntent()
    {
        await RpcAssert.InvalidField("intent", () => _agent.OpenSessionAsync(new OpenSessionRequest()));
    }

    [Fact]
    public async Task OpenSession_BlankTask_InvalidArgumentNamingIntentTask()
    {
        await RpcAssert.InvalidField("intent.task", () => _agent.OpenSessionAsync(WardenModel.Intent("   "), []));
    }

    [Fact]
    public async Task OpenSession_OversizedTask_InvalidArgumentNamingIntentTask()
    {
        await RpcAssert.InvalidField("intent.task", () => _agent.OpenSessionAsync(WardenModel.Intent(new string('t', WardenLimits.MaxLongTextLength + 1)), []));
    }

    [Fact]
    public async Task OpenSession_MalformedScopePattern_InvalidArgumentNamingThePattern()
    {
        await RpcAssert.InvalidField("requested_scope[0].resources[1]", () => _agent.OpenSessionAsync(
            WardenModel.Intent("task"),
            [WardenModel.Rule(["db.query"], ["Table::*", "Table::\"a*b\""])]));
    }

    [Fact]
    public async Task OpenSession_NegativeTtl_InvalidArgumentNamingTtl()
    {
        await RpcAssert.InvalidField("ttl", () => _agent.OpenSessionAsync(WardenModel.Intent("task"), [], TimeSpan.FromSeconds(-5)));
    }

    [Fact]
    public async Task OpenSession_TtlAboveTheCap_InvalidArgumentNamingTtl()
    {
        await RpcAssert.InvalidField("ttl", () => _agent.OpenSessionAsync(WardenModel.Intent("task"), [], TimeSpan.FromDays(30)));
    }

    [Fact]
    public async Task OpenSession_TooManyPairs_InvalidArgumentNamingRequestedScope()
    {
        var actions = Enumerable.Range(0, 9).Select(i => $"db.a{i}").ToArray();
        var resources = Enumerable.Range(0, 9).Select(i => $"Table::\"t{i}\"").ToArray();
        await RpcAssert.InvalidField("requested_scope", () => _agent.OpenSessionAsync(WardenModel.Intent("task"), [WardenModel.Rule(actions, resources)]));
    }

    [Fact]
    public async Task GetApproval_MalformedApprovalId_InvalidArgumentNamingApprovalId()
    {
        await RpcAssert.InvalidField("approval_id", () => _session.GetApprovalAsync("../x"));
    }
}
