using Warden.Grains.Revocation;
using Warden.Grains.Sessions;

namespace Warden.Grains.Tests.KillSwitch;

/// <summary>
/// The silos' fan-out step in the kill-switch cluster: the real one (<see cref="AcknowledgedSessionTerminator"/>), or,
/// while <see cref="BreakFor"/> is in force, a deliberately broken one that fires the termination and returns at once,
/// the way a fan-out that trusts stream or broadcast delivery would. The termination then arrives after
/// <see cref="Lag"/>, as a slow delivery would. It exists only to prove that the decision checker catches a broken fan-out.
/// </summary>
internal sealed class SwitchableTerminator(TimeProvider clock) : ISessionTerminator
{
    private static int s_broken;

    private readonly AcknowledgedSessionTerminator _real = new();

    /// <summary>How late the broken fan-out's terminations arrive.</summary>
    public static TimeSpan Lag { get; } = TimeSpan.FromSeconds(3);

    /// <summary>Switches every silo to the broken fan-out until the returned scope is disposed.</summary>
    public static IDisposable BreakFor()
    {
        Interlocked.Exchange(ref s_broken, 1);
        return new Restore();
    }

    public Task<bool> TerminateAsync(ISessionControl session, Termination termination)
    {
        if (Volatile.Read(ref s_broken) == 0)
        {
            return _real.TerminateAsync(session, termination);
        }

        _ = DeliverLateAsync(session, termination);
        return Task.FromResult(false);
    }

    private async Task DeliverLateAsync(ISessionControl session, Termination termination)
    {
        await Task.Delay(Lag, clock);
        await session.TerminateAsync(termination);
    }

    private sealed class Restore : IDisposable
    {
        public void Dispose() => Interlocked.Exchange(ref s_broken, 0);
    }
}
