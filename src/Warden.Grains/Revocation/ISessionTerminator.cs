using Warden.Grains.Sessions;

namespace Warden.Grains.Revocation;

/// <summary>
/// How a revocation fan-out reaches one session. The kill switch's guarantee rests on the answer: the task must
/// complete only once the session has durably recorded its revocation.
/// </summary>
/// <remarks>
/// The silo registers <see cref="AcknowledgedSessionTerminator"/>. The seam exists so the kill-switch tests can swap in a
/// deliberately broken fan-out and prove that their checker catches it; nothing else should replace it.
/// </remarks>
internal interface ISessionTerminator
{
    /// <summary>Revokes <paramref name="session"/> and completes when it has acknowledged.</summary>
    /// <param name="session">The session grain.</param>
    /// <param name="termination">Scope, reason, operator.</param>
    /// <returns>True when the session was open and is now revoked.</returns>
    Task<bool> TerminateAsync(ISessionControl session, Termination termination);
}
