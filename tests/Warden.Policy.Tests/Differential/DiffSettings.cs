using System.Globalization;

namespace Warden.Policy.Tests.Differential;

/// <summary>
/// Run sizes and seeds, from the environment so a long campaign needs no code change (defaults in brackets, sized so
/// the default differential run stays well under a minute on a loaded 2-core machine):
/// <c>WARDEN_DIFF_CASES</c> (authorization cases [120]), <c>WARDEN_DIFF_SYNTAX_CASES</c> [80],
/// <c>WARDEN_DIFF_VALUE_CASES</c> (40 checks each [40]), <c>WARDEN_DIFF_SCHEMA_CASES</c> (authorization with a schema [50]),
/// <c>WARDEN_DIFF_VALIDATION_CASES</c> [60], <c>WARDEN_DIFF_FIXED_SCHEMA_CASES</c> (25 policies each over one fixed
/// schema [30]), <c>WARDEN_DIFF_SEED</c> (base seed, fixed by default so the suite is deterministic; <c>random</c> picks
/// one and prints it), <c>WARDEN_DIFF_REPLAY</c> (run exactly one case: the case seed a failure printed). See
/// docs/cedar-differential.md.
/// </summary>
internal static class DiffSettings
{
    /// <summary>The default base seed: fixed, so a plain <c>dotnet test</c> always runs the same cases.</summary>
    public const int DefaultSeed = 20_250_601;

    public static int AuthorizationCases => Int("WARDEN_DIFF_CASES", 120);

    public static int SyntaxCases => Int("WARDEN_DIFF_SYNTAX_CASES", 80);

    public static int ValueCases => Int("WARDEN_DIFF_VALUE_CASES", 40);

    public static int SchemaCases => Int("WARDEN_DIFF_SCHEMA_CASES", 50);

    public static int ValidationCases => Int("WARDEN_DIFF_VALIDATION_CASES", 60);

    public static int FixedSchemaValidationCases => Int("WARDEN_DIFF_FIXED_SCHEMA_CASES", 30);

    public static int BaseSeed
    {
        get
        {
            var text = Environment.GetEnvironmentVariable("WARDEN_DIFF_SEED");
            if (string.Equals(text, "random", StringComparison.OrdinalIgnoreCase))
            {
                return Random.Shared.Next();
            }

            return string.IsNullOrWhiteSpace(text) ? DefaultSeed : int.Parse(text, CultureInfo.InvariantCulture);
        }
    }

    /// <summary>The one case seed to replay, when set.</summary>
    public static int? Replay =>
        Environment.GetEnvironmentVariable("WARDEN_DIFF_REPLAY") is { Length: > 0 } text ? int.Parse(text, CultureInfo.InvariantCulture) : null;

    /// <summary>The seed of case <paramref name="index"/> of a run: a mix of the base seed and the index, printed on failure.</summary>
    public static int CaseSeed(int baseSeed, int index)
    {
        // SplitMix64's finalizer: neighbouring indexes give unrelated seeds.
        var z = unchecked((ulong)(uint)baseSeed << 32 | (uint)index) + 0x9E3779B97F4A7C15UL;
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return (int)(z ^ (z >> 31)) & int.MaxValue;
    }

    private static int Int(string name, int fallback) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;
}
