namespace Warden.Grains.Hosting;

/// <summary>
/// The grain type names of Warden's grains. They are part of the storage format (grain state is keyed by grain type
/// and key), so they never change.
/// </summary>
public static class GrainTypes
{
    /// <summary>The tenant grain.</summary>
    public const string Tenant = "warden.tenant";

    /// <summary>The agent grain.</summary>
    public const string Agent = "warden.agent";

    /// <summary>The session grain.</summary>
    public const string Session = "warden.session";

    /// <summary>The grain state names (the first argument of <c>IGrainStorage.ReadStateAsync</c>).</summary>
    public static class StateNames
    {
        /// <summary>Tenant state.</summary>
        public const string Tenant = "tenant";

        /// <summary>Agent state.</summary>
        public const string Agent = "agent";

        /// <summary>Session state.</summary>
        public const string Session = "session";
    }
}
