using BenchmarkDotNet.Attributes;
using Warden.Policy;
using Warden.Policy.Authorization;
using Warden.Policy.Entities;
using Warden.Policy.Json;
using Warden.Policy.Values;

namespace Warden.Bench.Cedar;

/// <summary>
/// Warden's Cedar engine on the scenarios of <see cref="CedarScenario"/>: the hot path (policies compiled once,
/// entities built once, as a session grain holds them) and the path that parses the entities and context JSON on
/// every request (the work cedar-wasm's statefulIsAuthorized does per call).
/// </summary>
[MemoryDiagnoser]
public class CedarEngineBenchmarks
{
    private Authorizer _authorizer = null!;
    private AuthorizationRequest _request = null!;
    private EntityStore _entities = null!;
    private CedarScenario _scenario = null!;
    private EntityUid _principal = null!;
    private EntityUid _action = null!;
    private EntityUid _resource = null!;

    [Params("small", "large")]
    public string Scenario { get; set; } = "small";

    [GlobalSetup]
    public void Setup()
    {
        _scenario = Scenario == "small" ? CedarScenario.Small : CedarScenario.Large;
        _authorizer = new Authorizer(PolicySet.Parse(_scenario.Policies));
        _entities = CedarJson.ParseEntities(_scenario.EntitiesJson);
        _principal = CedarJson.ParseEntityUid(_scenario.PrincipalJson);
        _action = CedarJson.ParseEntityUid(_scenario.ActionJson);
        _resource = CedarJson.ParseEntityUid(_scenario.ResourceJson);
        _request = new AuthorizationRequest(_principal, _action, _resource, CedarJson.ParseContext(_scenario.ContextJson));
        var decision = _authorizer.IsAuthorized(_request, _entities).IsAllowed ? "allow" : "deny";
        if (decision != _scenario.ExpectedDecision)
        {
            throw new InvalidOperationException($"{_scenario.Name}: expected {_scenario.ExpectedDecision}, Warden said {decision}");
        }
    }

    [Benchmark(Description = "IsAuthorized")]
    public AuthorizationResponse IsAuthorized() => _authorizer.IsAuthorized(_request, _entities);

    [Benchmark(Description = "ParseJsonAndIsAuthorized")]
    public AuthorizationResponse ParseJsonAndIsAuthorized()
    {
        var entities = CedarJson.ParseEntities(_scenario.EntitiesJson);
        var context = CedarJson.ParseContext(_scenario.ContextJson);
        return _authorizer.IsAuthorized(_principal, _action, _resource, context, entities);
    }
}
