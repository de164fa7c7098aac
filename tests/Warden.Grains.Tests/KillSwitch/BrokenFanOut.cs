namespace Warden.Grains.Tests.KillSwitch;

/// <summary>
/// The switch shared by <see cref="SwitchableFanOut"/> and <see cref="SwitchableTerminator"/>: while on, every silo's
/// revocation fans out fire-and-forget (nothing is awaited; the table entries and the session terminations arrive
/// <see cref="Lag"/> later, as a fan-out trusting stream or broadcast delivery would). It exists only to prove that the
/// checkers catch a broken fan-out.
/// </summary>
internal static class BrokenFanOut
{
    private static int s_on;

    /// <summary>How late the broken fan-out's messages arrive.</summary>
    public static TimeSpan Lag { get; } = TimeSpan.FromSeconds(3);

    public static bool IsOn => Volatile.Read(ref s_on) == 1;

    /// <summary>Switches every silo to the broken fan-out until the returned scope is disposed.</summary>
    public static IDisposable Enable()
    {
        Interlocked.Exchange(ref s_on, 1);
        return new Restore();
    }

    private sealed class Restore : IDisposable
    {
        public void Dispose() => Interlocked.Exchange(ref s_on, 0);
    }
}
