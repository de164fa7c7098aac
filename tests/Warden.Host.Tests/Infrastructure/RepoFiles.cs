namespace Warden.Host.Tests.Infrastructure;

/// <summary>Files of the repository (samples), found by walking up to the solution folder.</summary>
internal static class RepoFiles
{
    public static string Root { get; } = FindRoot();

    public static string Sample(string name) => Path.Combine(Root, "samples", "quickstart", name);

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
