namespace Warden.Testing;

/// <summary>Finds the repository from wherever a test runs (its bin folder, a CI clone).</summary>
public static class RepositoryPaths
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    /// <summary>The repository root: the nearest folder above the test binaries that holds <c>Silo.sln</c>.</summary>
    public static string Root => LazyRoot.Value;

    /// <summary>The Node tools folder (<c>tools/node</c>).</summary>
    public static string NodeTools => Path.Combine(Root, "tools", "node");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Silo.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Silo.sln above '{AppContext.BaseDirectory}': the tests must run inside the repository.");
    }
}
