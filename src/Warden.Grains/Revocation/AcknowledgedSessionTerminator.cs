using Warden.Grains.Sessions;

namespace Warden.Grains.Revocation;

/// <summary>
/// The fan-out step the kill switch relies on: one awaited grain call per session, which returns after the session
/// persisted its revocation (<see cref="ISessionControl.TerminateAsync"/>).
/// </summary>
internal sealed class AcknowledgedSessionTerminator : ISessionTerminator
{
    /// <inheritdoc/>
    // INVARIANT: awaited, never fire-and-forget; the caller counts a session as revoked only after this completes.
    public Task<bool> TerminateAsync(ISessionControl session, Termination termination) => session.TerminateAsync(termination);
}
