using Warden.Grains.Revocation;

namespace Warden.Grains.Tests.KillSwitch;

/// <summary>
/// The silos' table fan-out in the kill-switch cluster: the real one (<see cref="AcknowledgedRevocationFanOut"/>), or,
/// while <see cref="BrokenFanOut"/> is on, a fire-and-forget one that returns before any silo recorded the revocation
/// (the entries arrive <see cref="BrokenFanOut.Lag"/> later).
/// </summary>
internal sealed class SwitchableFanOut(AcknowledgedRevocationFanOut real, TimeProvider clock) : IRevocationFanOut
{
    public Task<SiloFanOut> RecordAsync(RevokedScope scope)
    {
        if (!BrokenFanOut.IsOn)
        {
            return real.RecordAsync(scope);
        }

        _ = DeliverLateAsync(scope);
        return Task.FromResult(new SiloFanOut([], []));
    }

    public Task<SiloFanOut> ClearAsync(RevokedScope scope) => real.ClearAsync(scope);

    public Task<SiloFanOut> ForgetCredentialsAsync(string tenantId, string agentId) => real.ForgetCredentialsAsync(tenantId, agentId);

    private async Task DeliverLateAsync(RevokedScope scope)
    {
        await Task.Delay(BrokenFanOut.Lag, clock);
        await real.RecordAsync(scope);
    }
}
