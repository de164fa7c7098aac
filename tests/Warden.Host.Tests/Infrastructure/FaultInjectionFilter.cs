using Warden.Sessions;

namespace Warden.Host.Tests.Infrastructure;

/// <summary>
/// Makes a session grain's evaluation throw when the action is <see cref="ExplodingAction"/>, so tests can check that
/// the edge fails closed (DENY, never ALLOW) when the evaluation itself breaks.
/// </summary>
internal sealed class FaultInjectionFilter : IIncomingGrainCallFilter
{
    public const string ExplodingAction = "test.explode";

    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.InterfaceMethod.DeclaringType == typeof(ISessionGrain)
            && context.Request.GetArgumentCount() >= 2
            && (context.Request.GetArgument(1) is EvaluationRequest { Action: ExplodingAction }
                || (context.Request.GetArgument(1) is System.Collections.Immutable.ImmutableArray<EvaluationRequest> many && many.Any(r => r.Action == ExplodingAction))))
        {
            throw new InvalidOperationException("injected evaluation fault");
        }

        return context.Invoke();
    }
}
