using Warden.Grains.Revocation;
using Warden.Grains.Sessions;

namespace Warden.Grains.Tests.KillSwitch;

/// <summary>
/// The silos' durable per-session ending in the kill-switch cluster: the real one
/// (<see cref="AcknowledgedSessionTerminator"/>), or, while <see cref="BrokenFanOut"/> is on, one that fires the
/// termination and returns at once; the termination arrives <see cref="BrokenFanOut.Lag"/> later. While
/// <see cref="HeldTerminations"/> is on, every termination waits for its release first.
/// </summary>
internal sealed class SwitchableTerminator(TimeProvider clock) : ISessionTerminator
{
    private readonly AcknowledgedSessionTerminator _real = new();

    public Task<bool> TerminateAsync(ISessionControl session, Termination termination)
    {
        if (HeldTerminations.Passage is { IsCompleted: false } held)
        {
            return HoldAsync(held, session, termination);
        }

        if (!BrokenFanOut.IsOn)
        {
            return _real.TerminateAsync(session, termination);
        }

        _ = DeliverLateAsync(session, termination);
        return Task.FromResult(false);
    }

    private async Task<bool> HoldAsync(Task held, ISessionControl session, Termination termination)
    {
        await held;
        return await _real.TerminateAsync(session, termination);
    }

    private async Task DeliverLateAsync(ISessionControl session, Termination termination)
    {
        await Task.Delay(BrokenFanOut.Lag, clock);
        await session.TerminateAsync(termination);
    }
}
