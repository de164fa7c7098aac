namespace Warden.Host.Tests.Infrastructure;

/// <summary>Files of the repository (samples), found by walking up to the solution folder.</summary>
internal static class RepoFiles
{
    public static string Root { get; } = FindRoot();

    /// <summary>A path under <c>samples/</c>, e.g. <c>schema/acme.cedarschema</c>.</summary>
    public static string Sample(string relative) => Path.Combine(Root, "samples", relative);

    /// <summary>Every sample policy file, joined as <c>warden policy publish --policies samples/policies</c> joins them.</summary>
    public static string SamplePolicies() =>
        string.Join("\n", Directory.GetFiles(Sample("policies"), "*.cedar").Order(StringComparer.Ordinal).Select(File.ReadAllText));

    public static string Read(string relative) => File.ReadAllText(Path.Combine(Root, relative));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Silo.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Silo.sln not found above " + AppContext.BaseDirectory);
    }
}
