using System.Collections.Immutable;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Storage;
using Warden.Agents;
using Warden.Policies;
using Warden.Scopes;
using Warden.Sessions;
using Warden.Tenants;

namespace Warden.Grains.Tests.Cluster;

/// <summary>Short ways to set up tenants, agents and sessions. Every test makes its own tenant, so tests never share state.</summary>
internal static class Scenario
{
    public static Caller Admin { get; } = Caller.Operator("admin");

    public static ITenantGrain Tenant(this WardenClusterFixture fixture, string tenantId) => fixture.Client.GetGrain<ITenantGrain>(tenantId);

    public static IAgentGrain Agent(this WardenClusterFixture fixture, string tenantId, string agentId) =>
        fixture.Client.GetGrain<IAgentGrain>(WardenIds.AgentKey(tenantId, agentId));

    public static ISessionGrain Session(this WardenClusterFixture fixture, string tenantId, string sessionId) =>
        fixture.Client.GetGrain<ISessionGrain>(WardenIds.SessionKey(tenantId, sessionId));

    public static async Task<string> NewTenantAsync(this WardenClusterFixture fixture, string? policies = null, string? schema = null, string? entities = null)
    {
        var tenantId = "t" + Guid.NewGuid().ToString("N")[..12];
        Ok(await fixture.Tenant(tenantId).CreateAsync(new CreateTenant("Test tenant", Admin)));
        if (policies is not null)
        {
            Ok(await fixture.Tenant(tenantId).PublishPolicyAsync(new PublishPolicy(policies, schema ?? string.Empty, entities, Admin)));
        }

        return tenantId;
    }

    public static async Task<AgentRegistered> NewAgentAsync(this WardenClusterFixture fixture, string tenantId, string agentId, params ScopeEntry[] surface) =>
        Ok(await fixture.Tenant(tenantId).RegisterAgentAsync(new RegisterAgent(
            agentId, "owner@example.com", agentId, surface.Length == 0 ? [new ScopeEntry("*", "*")] : [.. surface], "low", ["test"], [], Admin)));

    public static async Task<SessionOpened> OpenAsync(this WardenClusterFixture fixture, string tenantId, string agentId, TimeSpan? ttl, string purpose, params ScopeRequest[] scope) =>
        Ok(await fixture.Agent(tenantId, agentId).OpenSessionAsync(new OpenSession(
            new Intent("test task", purpose, "prompt-1", "sha256:00", "user@example.com"), [.. scope], ttl)));

    public static Task<SessionOpened> OpenAsync(this WardenClusterFixture fixture, string tenantId, string agentId, params ScopeRequest[] scope) =>
        fixture.OpenAsync(tenantId, agentId, ttl: null, purpose: string.Empty, scope);

    public static EvaluationRequest Act(string action, string type, string id, string? input = null, params string[] labels) =>
        new(action, new ResourceRef(type, id, null, [.. labels]), input);

    public static async Task<Decision> EvaluateAsync(this WardenClusterFixture fixture, string tenantId, string agentId, string sessionId, EvaluationRequest request) =>
        Ok(await fixture.Session(tenantId, sessionId).EvaluateAsync(Caller.Agent(tenantId, agentId), request));

    public static T Ok<T>(Outcome<T> outcome)
    {
        Assert.True(outcome.IsOk, outcome.Error?.Message);
        return outcome.Value;
    }

    public static string Code(this Decision decision) => decision.Reasons.IsDefaultOrEmpty ? string.Empty : decision.Reasons[0].Code;

    /// <summary>Reads a grain's state straight from the "warden" storage, as stored.</summary>
    public static async Task<T> ReadStoredStateAsync<T>(this WardenClusterFixture fixture, string grainType, string stateName, string key)
        where T : new()
    {
        var storage = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>("warden");
        var state = new GrainState<T>();
        await storage.ReadStateAsync(stateName, GrainId.Create(grainType, key), state);
        return state.State ?? throw new InvalidOperationException($"No stored {stateName} state for {key}.");
    }

    /// <summary>Rewrites a grain's stored state behind its back (to simulate a fan-out that never arrived).</summary>
    public static async Task RewriteStoredStateAsync<T>(this WardenClusterFixture fixture, string grainType, string stateName, string key, Func<T, T> change)
        where T : new()
    {
        var storage = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>("warden");
        var grainId = GrainId.Create(grainType, key);
        var state = new GrainState<T>();
        await storage.ReadStateAsync(stateName, grainId, state);
        state.State = change(state.State ?? throw new InvalidOperationException($"No stored {stateName} state for {key}."));
        await storage.WriteStateAsync(stateName, grainId, state);
    }

    public static ImmutableArray<T> Array<T>(params T[] items) => [.. items];
}
