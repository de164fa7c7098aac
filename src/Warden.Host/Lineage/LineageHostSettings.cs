using System.Security.Cryptography;
using Warden.Grains.Lineage;
using Warden.Host.Hosting;
using Warden.Lineage.Privacy;
using Warden.Storage.Options;

namespace Warden.Host.Lineage;

/// <summary>
/// Reads lineage configuration: <c>Warden:Lineage</c> (<c>Durability</c> = Durable | Async | Off, <c>SensitiveArguments</c>,
/// <c>RecordArguments</c>, <c>ContextKey</c> base64, <c>Synchronous</c> = Full | Normal for SQLite, the session journal's
/// <c>StateWriteBehindDecisions</c>, <c>StateWriteBehindDelay</c> and <c>WriteStateOnDeactivation</c>, the writer's
/// <c>CommitDelay</c> and <c>CommitDelayFromRecords</c>), and where the log
/// lives from <c>Warden:Storage:Mode</c> (Embedded / Memory → <c>lineage.db</c> in <c>Warden:DataPath</c>; Azure → the
/// <c>WardenLineage</c> table of <c>Warden:Storage:ConnectionString</c>).
/// </summary>
internal static class LineageHostSettings
{
    public const string KeyFileName = "lineage.key";

    public static WardenLineageOptions ReadOptions(IConfiguration configuration, string dataPath, bool azure)
    {
        var section = configuration.GetSection(WardenLineageOptions.SectionName);
        var options = new WardenLineageOptions();
        var durability = section["Durability"];
        if (!string.IsNullOrWhiteSpace(durability))
        {
            options.Durability = durability.Trim().ToLowerInvariant() switch
            {
                "durable" => LineageMode.Durable,
                "async" or "asynchronous" => LineageMode.Async,
                "off" or "none" => LineageMode.Off,
                _ => throw new InvalidOperationException($"Warden:Lineage:Durability '{durability}' must be Durable, Async or Off."),
            };
        }

        options.SensitiveArguments = [.. section.GetSection("SensitiveArguments").Get<string[]>() ?? []];
        SensitivePaths.Parse(options.SensitiveArguments); // bad paths stop the start, naming the path
        if (bool.TryParse(section["RecordArguments"], out var record))
        {
            options.RecordArguments = record;
        }

        if (section["StateWriteBehindDecisions"] is { Length: > 0 } count)
        {
            options.StateWriteBehindDecisions = int.TryParse(count, System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= 1
                ? n
                : throw new InvalidOperationException($"Warden:Lineage:StateWriteBehindDecisions '{count}' must be a whole number of at least 1.");
        }

        if (section["StateWriteBehindDelay"] is { Length: > 0 } delay)
        {
            options.StateWriteBehindDelay = TimeSpan.TryParse(delay, System.Globalization.CultureInfo.InvariantCulture, out var d) && d > TimeSpan.Zero
                ? d
                : throw new InvalidOperationException($"Warden:Lineage:StateWriteBehindDelay '{delay}' must be a positive time span (hh:mm:ss.fff).");
        }

        if (section["CommitDelay"] is { Length: > 0 } commitDelay)
        {
            options.CommitDelay = TimeSpan.TryParse(commitDelay, System.Globalization.CultureInfo.InvariantCulture, out var c) && c >= TimeSpan.Zero && c <= TimeSpan.FromSeconds(1)
                ? c
                : throw new InvalidOperationException($"Warden:Lineage:CommitDelay '{commitDelay}' must be a time span from 00:00:00 to 00:00:01 (hh:mm:ss.fff).");
        }

        if (section["CommitDelayFromRecords"] is { Length: > 0 } from)
        {
            options.CommitDelayFromRecords = int.TryParse(from, System.Globalization.CultureInfo.InvariantCulture, out var f) && f >= 1
                ? f
                : throw new InvalidOperationException($"Warden:Lineage:CommitDelayFromRecords '{from}' must be a whole number of at least 1.");
        }

        if (section["WriteStateOnDeactivation"] is { Length: > 0 } onDeactivation)
        {
            options.WriteStateOnDeactivation = bool.TryParse(onDeactivation, out var write)
                ? write
                : throw new InvalidOperationException($"Warden:Lineage:WriteStateOnDeactivation '{onDeactivation}' must be true or false.");
        }

        if (options.Durability != LineageMode.Off)
        {
            options.ContextKey = ContextKey(section["ContextKey"], dataPath, azure);
        }

        return options;
    }

    public static string DataPath(IConfiguration configuration) =>
        configuration[$"{WardenHostOptions.SectionName}:{nameof(WardenHostOptions.DataPath)}"] is { Length: > 0 } path ? path : new WardenHostOptions().DataPath;

    /// <summary>Whether the silo's storage (<c>Warden:Storage</c>, read and checked by Warden.Storage) is Azure.</summary>
    public static bool IsAzure(WardenStorageSettings storage) => storage.Mode == WardenStorageMode.Azure;

    /// <summary><c>Warden:Lineage:ConnectionString</c> when set, else the storage's own connection string.</summary>
    public static string? ConnectionString(IConfiguration configuration, WardenStorageSettings storage) =>
        configuration["Warden:Lineage:ConnectionString"] is { Length: > 0 } own ? own
        : storage.ConnectionString is { Length: > 0 } shared ? shared
        : null;

    /// <summary>
    /// The node's context key: configured (base64), else a key file in the data folder, created with 32 random bytes on
    /// first start. In Azure mode every silo must derive the same tenant keys, so the key must be configured.
    /// </summary>
    private static byte[] ContextKey(string? configured, string dataPath, bool azure)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            var key = Convert.FromBase64String(configured.Trim());
            return key.Length >= ContextRedactor.MinimumKeyLength
                ? key
                : throw new InvalidOperationException($"Warden:Lineage:ContextKey must decode to at least {ContextRedactor.MinimumKeyLength} bytes.");
        }

        if (azure)
        {
            throw new InvalidOperationException("Warden:Lineage:ContextKey (base64, 32 random bytes) is required in Azure storage mode: every silo must hash sensitive arguments with the same key.");
        }

        Directory.CreateDirectory(dataPath);
        var path = Path.Combine(dataPath, KeyFileName);
        if (File.Exists(path))
        {
            return Convert.FromBase64String(File.ReadAllText(path).Trim());
        }

        var fresh = RandomNumberGenerator.GetBytes(32);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(path, System.Text.Encoding.ASCII, options))
        {
            writer.Write(Convert.ToBase64String(fresh));
        }

        return fresh;
    }
}
