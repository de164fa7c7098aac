using Microsoft.Extensions.Configuration;

namespace Warden.Storage.Options;

/// <summary>
/// The storage settings read from configuration section <see cref="WardenStorageNames.ConfigurationSection"/>
/// (<c>Warden:Storage</c>; environment variables <c>Warden__Storage__Mode</c> and so on). Unknown values are an
/// error naming the key, never a silent fallback.
/// </summary>
/// <param name="Mode"><c>Warden:Storage:Mode</c>: Embedded (default), Azure or Memory.</param>
/// <param name="DataDirectory"><c>Warden:Storage:DataDirectory</c>: Embedded mode's folder; default <see cref="DefaultDataDirectory"/> under the current directory.</param>
/// <param name="Durability"><c>Warden:Storage:Durability</c>: Full (default) or Normal.</param>
/// <param name="ConnectionString"><c>Warden:Storage:ConnectionString</c>: Azure mode's storage account.</param>
/// <param name="TablePrefix"><c>Warden:Storage:TablePrefix</c>: Azure mode's table prefix; default <see cref="AzureStorageOptions.DefaultTablePrefix"/>.</param>
/// <param name="GrainStorage"><c>Warden:Storage:GrainStorage</c>: Azure mode's Table (default) or Blob.</param>
/// <param name="AllowMemory"><c>Warden:Storage:AllowMemory</c>: lets Memory mode start outside Development.</param>
public sealed record WardenStorageSettings(
    WardenStorageMode Mode,
    string DataDirectory,
    SqliteDurability Durability,
    string ConnectionString,
    string TablePrefix,
    AzureGrainStorageKind GrainStorage,
    bool AllowMemory)
{
    /// <summary>Embedded mode's data directory when none is configured (relative to the current directory).</summary>
    public const string DefaultDataDirectory = ".data";

    /// <summary>Reads and checks the section; throws <see cref="InvalidOperationException"/> naming a bad key.</summary>
    /// <param name="configuration">The application configuration (the root, not the section).</param>
    /// <returns>The settings.</returns>
    public static WardenStorageSettings Read(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(WardenStorageNames.ConfigurationSection);
        var dataDirectory = section[nameof(DataDirectory)];
        return new WardenStorageSettings(
            ParseEnum(section, nameof(Mode), WardenStorageMode.Embedded),
            Path.GetFullPath(string.IsNullOrWhiteSpace(dataDirectory) ? DefaultDataDirectory : dataDirectory),
            ParseEnum(section, nameof(Durability), SqliteDurability.Full),
            section[nameof(ConnectionString)] ?? string.Empty,
            section[nameof(TablePrefix)] is { Length: > 0 } prefix ? prefix : AzureStorageOptions.DefaultTablePrefix,
            ParseEnum(section, nameof(GrainStorage), AzureGrainStorageKind.Table),
            ParseBool(section, nameof(AllowMemory)));
    }

    // The connection string carries the account key: keep it out of logs.
    /// <inheritdoc/>
    public override string ToString() =>
        $"WardenStorageSettings {{ Mode = {Mode}, DataDirectory = {DataDirectory}, Durability = {Durability}, " +
        $"TablePrefix = {TablePrefix}, GrainStorage = {GrainStorage}, AllowMemory = {AllowMemory} }}";

    private static TEnum ParseEnum<TEnum>(IConfigurationSection section, string key, TEnum fallback)
        where TEnum : struct, Enum
    {
        var value = section[key];
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }

        // Names only: a number would let a typo like "3" through as an undefined mode.
        if (!int.TryParse(value, out _) && Enum.TryParse<TEnum>(value.Trim(), ignoreCase: true, out var parsed) && Enum.IsDefined(parsed))
        {
            return parsed;
        }

        throw new InvalidOperationException(
            $"{section.Path}:{key} is '{value}'; expected one of {string.Join(", ", Enum.GetNames<TEnum>())}.");
    }

    private static bool ParseBool(IConfigurationSection section, string key)
    {
        var value = section[key];
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        return bool.TryParse(value.Trim(), out var parsed)
            ? parsed
            : throw new InvalidOperationException($"{section.Path}:{key} is '{value}'; expected true or false.");
    }
}
