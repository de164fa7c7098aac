using System.Collections.Concurrent;
using Orleans.Runtime;
using Warden.Grains.Revocation;
using Warden.Grains.Sessions;
using Warden.Sessions;

namespace Warden.Grains.Tests.KillSwitch;

/// <summary>
/// An incoming call filter on every silo of the kill-switch cluster. It records which silo served each session (so a
/// test can show its sessions are spread over the cluster), and, when armed, signals the first session termination of a
/// fan-out and holds every revocation step (table entry or session termination) that reaches the victim silo, so the test can kill that silo in the middle of
/// the fan-out, while acknowledgements from it are still outstanding.
/// </summary>
internal sealed class FanOutProbe(ILocalSiloDetails silo) : IIncomingGrainCallFilter
{
    private static readonly ConcurrentDictionary<string, SiloAddress> s_servedBy = new(StringComparer.Ordinal);
    private static volatile Arming? s_armed;

    /// <summary>Which silo last served an evaluation of each session key.</summary>
    public static IReadOnlyDictionary<string, SiloAddress> ServedBy => s_servedBy;

    /// <summary>Arms the probe: terminations on <paramref name="victim"/> wait until it is killed.</summary>
    public static Arming Arm(SiloAddress victim) => s_armed = new Arming(victim);

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.InterfaceMethod?.DeclaringType == typeof(ISessionGrain) && context.InterfaceMethod?.Name == nameof(ISessionGrain.EvaluateAsync))
        {
            s_servedBy[context.TargetId.Key.ToString()!] = silo.SiloAddress;
        }
        else if (IsRevocation(context) && s_armed is { } armed)
        {
            armed.Started.TrySetResult();
            if (silo.SiloAddress.Equals(armed.Victim))
            {
                armed.Held.Add(context.TargetId.ToString());
                await armed.Release.Task;
            }
        }

        await context.Invoke();
    }

    /// <summary>A revocation's fan-out step: a silo's table entry, or (durable path) a session's termination.</summary>
    private static bool IsRevocation(IIncomingGrainCallContext context) =>
        (context.InterfaceMethod?.DeclaringType == typeof(IRevocationTableService) && context.InterfaceMethod?.Name == nameof(IRevocationTableService.RecordAsync))
        || (context.InterfaceMethod?.DeclaringType == typeof(ISessionControl) && context.InterfaceMethod?.Name == nameof(ISessionControl.TerminateAsync));

    /// <summary>One armed fan-out.</summary>
    internal sealed class Arming(SiloAddress victim) : IDisposable
    {
        public SiloAddress Victim { get; } = victim;

        /// <summary>Set by the first termination the fan-out sends anywhere.</summary>
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Terminations held on the victim (they die with it).</summary>
        public ConcurrentBag<string> Held { get; } = [];

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Dispose()
        {
            s_armed = null;
            Release.TrySetResult();
        }
    }
}
