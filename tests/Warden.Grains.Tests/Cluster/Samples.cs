namespace Warden.Grains.Tests.Cluster;

/// <summary>The sample policy set under <c>samples/</c> (copied next to the test assembly).</summary>
internal static class Samples
{
    private static readonly string Root = Path.Combine(AppContext.BaseDirectory, "samples");

    public static string Schema => File.ReadAllText(Path.Combine(Root, "schema", "acme.cedarschema"));

    public static string Entities => File.ReadAllText(Path.Combine(Root, "entities", "acme.entities.json"));

    /// <summary>Every sample policy file, concatenated.</summary>
    public static string Policies => string.Join("\n", Directory.GetFiles(Path.Combine(Root, "policies"), "*.cedar").Order(StringComparer.Ordinal).Select(File.ReadAllText));

    /// <summary>The sample files named, concatenated (e.g. "baseline", "sequence").</summary>
    public static string PoliciesFrom(params string[] files) =>
        string.Join("\n", files.Select(f => File.ReadAllText(Path.Combine(Root, "policies", f + ".cedar"))));
}
