using Warden.Lineage.Logs;

namespace Warden.Host.Lineage;

/// <summary>The host's handle on the lineage log for queries, verification and feeds; <see cref="Log"/> is null when lineage is off.</summary>
/// <param name="Log">The log the silo writes to, or null.</param>
/// <param name="Description">Where it lives, for the startup report.</param>
internal sealed record LineageStore(ILineageLog? Log, string Description);
