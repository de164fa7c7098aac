using System.Text.RegularExpressions;

namespace Warden.Storage.Azure;

/// <summary>
/// The Azure tables and blob container one deployment uses, derived from its table prefix.
/// </summary>
/// <param name="Prefix">The table prefix (see <see cref="Options.AzureStorageOptions.TablePrefix"/>).</param>
public sealed partial record AzureResourceNames(string Prefix)
{
    /// <summary>The longest prefix allowed, leaving room for the longest suffix within Azure's 63 characters.</summary>
    public const int MaxPrefixLength = 40;

    /// <summary>The table holding grain state (table mode).</summary>
    public string GrainStateTable => Prefix + "GrainState";

    /// <summary>The table holding reminders.</summary>
    public string RemindersTable => Prefix + "Reminders";

    /// <summary>The table holding cluster membership (silos and gateways).</summary>
    public string MembershipTable => Prefix + "Membership";

    /// <summary>The blob container holding grain state (blob mode): lower case, as Azure requires.</summary>
    public string GrainStateContainer => Prefix.ToLowerInvariant() + "-grainstate";

    /// <summary>Every table name, for validation.</summary>
    public IReadOnlyList<string> Tables => [GrainStateTable, RemindersTable, MembershipTable];

    /// <summary>Whether <paramref name="prefix"/> is a usable table prefix.</summary>
    /// <param name="prefix">The candidate prefix.</param>
    /// <returns><see langword="true"/> when every derived name is valid.</returns>
    public static bool IsValidPrefix(string? prefix) =>
        prefix is { Length: > 0 and <= MaxPrefixLength } && PrefixPattern().IsMatch(prefix)
        && new AzureResourceNames(prefix).Tables.All(IsValidTableName);

    /// <summary>Whether <paramref name="name"/> is a valid Azure table name.</summary>
    /// <param name="name">The candidate name.</param>
    /// <returns><see langword="true"/> when it matches <c>^[A-Za-z][A-Za-z0-9]{2,62}$</c>.</returns>
    public static bool IsValidTableName(string name) => TableNamePattern().IsMatch(name);

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]*$", RegexOptions.CultureInvariant)]
    private static partial Regex PrefixPattern();

    // Azure's rule for table names (https://learn.microsoft.com/rest/api/storageservices/understanding-the-table-service-data-model).
    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{2,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex TableNamePattern();
}
