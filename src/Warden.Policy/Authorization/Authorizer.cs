using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using Warden.Policy.Entities;
using Warden.Policy.Evaluation;
using Warden.Policy.Syntax;
using Warden.Policy.Values;

namespace Warden.Policy.Authorization;

/// <summary>
/// A policy set compiled for evaluation: create it once, then call <see cref="IsAuthorized(AuthorizationRequest, EntityStore)"/>
/// from any number of threads (it is immutable).
/// </summary>
/// <remarks>
/// Cedar's semantics: default deny; any satisfied forbid denies; otherwise any satisfied permit allows. A policy
/// whose evaluation errors is skipped and reported in <see cref="AuthorizationResponse.Errors"/>. Policies are indexed
/// by scope (the entity of <c>==</c>, the entities of <c>in</c>, the type of <c>is</c>), so a request only evaluates
/// policies whose scope can match; the response is the only allocation on the usual path.
/// </remarks>
public sealed class Authorizer
{
    // Below this many policies a straight scan is as fast as consulting the index.
    private const int LinearScanLimit = 16;
    private const int StackallocWordLimit = 512;

    // An action whose candidates are at most this many is decided from its remembered candidate list.
    private const int RememberedCandidateLimit = 32;

    private readonly CompiledPolicy[] _policies;
    private readonly ScopeIndex _principals;
    private readonly ScopeIndex _actions;
    private readonly ScopeIndex _resources;

    // The candidates of the action index for an action entity of a store (a tenant's published store holds the same
    // action entities for every request), in policy order. Keyed on the stored entity itself: it fixes both the
    // action's uid and its ancestors, the two things the candidates depend on, and goes when its store goes.
    private readonly ConditionalWeakTable<StoredEntity, int[]> _actionCandidates = [];

    /// <summary>Compiles a policy set.</summary>
    /// <param name="policies">The policies.</param>
    /// <exception cref="ArgumentException">A policy's expression tree is malformed or deeper than <see cref="CedarLimits.MaxExpressionHeight"/> (possible only for trees built in code).</exception>
    public Authorizer(PolicySet policies)
    {
        Policies = policies ?? throw new ArgumentNullException(nameof(policies));
        _policies = new CompiledPolicy[policies.Policies.Length];
        for (var i = 0; i < _policies.Length; i++)
        {
            _policies[i] = new CompiledPolicy(i, policies.Policies[i]);
        }

        _principals = ScopeIndex.ForPrincipalOrResource([.. policies.Policies.Select(p => p.Principal)]);
        _actions = ScopeIndex.ForAction([.. policies.Policies.Select(p => p.Action)]);
        _resources = ScopeIndex.ForPrincipalOrResource([.. policies.Policies.Select(p => p.Resource)]);
    }

    /// <summary>The policies this authorizer evaluates.</summary>
    public PolicySet Policies { get; }

    /// <summary>Parses Cedar policy text and compiles it.</summary>
    /// <param name="policyText">The policies.</param>
    /// <exception cref="CedarParseException">The text is not valid Cedar.</exception>
    public static Authorizer FromText(string policyText) => new(PolicySet.Parse(policyText));

    /// <summary>Decides a request against the given entities.</summary>
    /// <param name="request">The request.</param>
    /// <param name="entities">The entities (attributes, hierarchy, tags) the policies may consult.</param>
    public AuthorizationResponse IsAuthorized(AuthorizationRequest request, EntityStore entities)
    {
        ArgumentNullException.ThrowIfNull(request);
        return IsAuthorized(request.Principal, request.Action, request.Resource, request.Context, entities);
    }

    /// <summary>Decides a request against the given entities.</summary>
    /// <param name="principal">The principal.</param>
    /// <param name="action">The action.</param>
    /// <param name="resource">The resource.</param>
    /// <param name="context">The context record.</param>
    /// <param name="entities">The entities the policies may consult.</param>
    public AuthorizationResponse IsAuthorized(EntityUid principal, EntityUid action, EntityUid resource, CedarRecord context, EntityStore entities)
    {
        ArgumentNullException.ThrowIfNull(principal);
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(entities);

        var evaluation = new EvaluationContext(principal, action, resource, context, entities);
        var words = (_policies.Length + 63) >> 6;
        ulong[]? rented = null;
        var bits = words * 3 <= StackallocWordLimit
            ? stackalloc ulong[words * 3]
            : (rented = ArrayPool<ulong>.Shared.Rent(words * 3)).AsSpan(0, words * 3);
        bits.Clear();
        var seen = bits[..words];
        var permits = bits.Slice(words, words);
        var forbids = bits.Slice(2 * words, words);
        List<(int Index, PolicyEvaluationError Error)>? errors = null;
        try
        {
            if (_policies.Length <= LinearScanLimit)
            {
                for (var i = 0; i < _policies.Length; i++)
                {
                    Evaluate(_policies[i], ref evaluation, permits, forbids, ref errors);
                }
            }
            else if (evaluation.ActionEntity is { } actionEntity && ActionCandidates(actionEntity, evaluation.Action) is { } candidates)
            {
                // Every policy whose action scope can match, each once, in policy order; each still has its whole scope checked.
                foreach (var index in candidates)
                {
                    Evaluate(_policies[index], ref evaluation, permits, forbids, ref errors);
                }
            }
            else
            {
                EvaluateIndexed(ref evaluation, seen, permits, forbids, ref errors);
            }

            return BuildResponse(permits, forbids, errors);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<ulong>.Shared.Return(rented);
            }
        }
    }

    // The action index's candidates for this action, when few enough to evaluate them all; null otherwise (then the
    // index of whichever scope variable narrows most is walked, as for an action not in the store).
    private int[]? ActionCandidates(StoredEntity actionEntity, EntityUid action)
    {
        if (!_actionCandidates.TryGetValue(actionEntity, out var candidates))
        {
            var distinct = new SortedSet<int>();
            var buckets = _actions.Buckets(action, actionEntity);
            while (buckets.MoveNext())
            {
                distinct.UnionWith(buckets.Current);
            }

            candidates = [.. distinct];
            _actionCandidates.AddOrUpdate(actionEntity, candidates);
        }

        return candidates.Length <= RememberedCandidateLimit ? candidates : null;
    }

    private void EvaluateIndexed(
        ref EvaluationContext evaluation,
        Span<ulong> seen,
        Span<ulong> permits,
        Span<ulong> forbids,
        ref List<(int Index, PolicyEvaluationError Error)>? errors)
    {
        // Walk the buckets of whichever scope variable narrows the candidates most; each candidate's
        // full scope is still checked, so the choice only affects speed.
        var principalCount = _principals.CountCandidates(evaluation.Principal, evaluation.PrincipalEntity);
        var actionCount = _actions.CountCandidates(evaluation.Action, evaluation.ActionEntity);
        var resourceCount = _resources.CountCandidates(evaluation.Resource, evaluation.ResourceEntity);
        var buckets = actionCount <= principalCount && actionCount <= resourceCount
            ? _actions.Buckets(evaluation.Action, evaluation.ActionEntity)
            : principalCount <= resourceCount
                ? _principals.Buckets(evaluation.Principal, evaluation.PrincipalEntity)
                : _resources.Buckets(evaluation.Resource, evaluation.ResourceEntity);
        while (buckets.MoveNext())
        {
            foreach (var index in buckets.Current)
            {
                ref var word = ref seen[index >> 6];
                var mask = 1UL << (index & 63);
                if ((word & mask) != 0)
                {
                    continue;
                }

                word |= mask;
                Evaluate(_policies[index], ref evaluation, permits, forbids, ref errors);
            }
        }
    }

    private static void Evaluate(
        CompiledPolicy policy,
        ref EvaluationContext evaluation,
        Span<ulong> permits,
        Span<ulong> forbids,
        ref List<(int Index, PolicyEvaluationError Error)>? errors)
    {
        if (!policy.ScopeMatches(ref evaluation))
        {
            return;
        }

        if (policy.Condition is not null)
        {
            CedarValue result;
            evaluation.ClearError();
            try
            {
                result = policy.Condition.Evaluate(ref evaluation);
            }
            catch (InsufficientExecutionStackException)
            {
                result = evaluation.Fail("evaluation is nested too deeply");
            }

            if (result.Kind != CedarValueKind.Bool)
            {
                var message = result.IsNone
                    ? evaluation.Error ?? "evaluation failed"
                    : $"type error: expected bool, got {CedarValue.KindName(result.Kind)}";
                (errors ??= []).Add((policy.Index, new PolicyEvaluationError(policy.Policy.Id, message)));
                return;
            }

            if (!result.BoolUnchecked)
            {
                return;
            }
        }

        var target = policy.IsPermit ? permits : forbids;
        target[policy.Index >> 6] |= 1UL << (policy.Index & 63);
    }

    private AuthorizationResponse BuildResponse(Span<ulong> permits, Span<ulong> forbids, List<(int Index, PolicyEvaluationError Error)>? errors)
    {
        var forbidCount = PopCount(forbids);
        var determining = forbidCount > 0 ? forbids : permits;
        var count = forbidCount > 0 ? forbidCount : PopCount(permits);
        CedarPolicy[]? reasons = null;
        if (count > 0)
        {
            reasons = new CedarPolicy[count];
            var next = 0;
            for (var w = 0; w < determining.Length; w++)
            {
                var word = determining[w];
                while (word != 0)
                {
                    var bit = BitOperations.TrailingZeroCount(word);
                    reasons[next++] = _policies[(w << 6) + bit].Policy;
                    word &= word - 1;
                }
            }
        }

        PolicyEvaluationError[]? errorArray = null;
        if (errors is not null)
        {
            // Policy order, whatever order the index visited them in.
            errors.Sort(static (a, b) => a.Index.CompareTo(b.Index));
            errorArray = new PolicyEvaluationError[errors.Count];
            for (var i = 0; i < errors.Count; i++)
            {
                errorArray[i] = errors[i].Error;
            }
        }

        var decision = forbidCount == 0 && count > 0 ? Decision.Allow : Decision.Deny;
        return new AuthorizationResponse(decision, reasons, errorArray);
    }

    private static int PopCount(Span<ulong> words)
    {
        var count = 0;
        foreach (var word in words)
        {
            count += BitOperations.PopCount(word);
        }

        return count;
    }
}
