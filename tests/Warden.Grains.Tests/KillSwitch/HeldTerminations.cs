namespace Warden.Grains.Tests.KillSwitch;

/// <summary>
/// While on, <see cref="SwitchableTerminator"/> holds every durable session ending until the returned scope is disposed:
/// a test can look at sessions a suspension or freeze revoked (through the revocation table) before any of them was
/// ended in storage.
/// </summary>
internal static class HeldTerminations
{
    private static volatile TaskCompletionSource? s_gate;

    /// <summary>Completes at once when nothing is held; otherwise when the hold is released.</summary>
    public static Task Passage => s_gate?.Task ?? Task.CompletedTask;

    /// <summary>Holds every termination until the returned scope is disposed.</summary>
    public static IDisposable Enable()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        s_gate = gate;
        return new Release(gate);
    }

    private sealed class Release(TaskCompletionSource gate) : IDisposable
    {
        public void Dispose()
        {
            s_gate = null;
            gate.TrySetResult();
        }
    }
}
