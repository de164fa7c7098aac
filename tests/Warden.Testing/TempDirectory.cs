namespace Warden.Testing;

/// <summary>A fresh, empty directory under the system temp folder, deleted with everything in it on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    private TempDirectory(string path) => Path = path;

    /// <summary>The directory's absolute path.</summary>
    public string Path { get; }

    /// <summary>Creates a new, empty directory.</summary>
    /// <param name="prefix">A word that says what it is for, visible in the name.</param>
    /// <returns>The directory.</returns>
    public static TempDirectory Create(string prefix = "warden")
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "warden-tests", $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return new TempDirectory(path);
    }

    /// <summary>A path inside the directory.</summary>
    /// <param name="parts">Relative path segments.</param>
    /// <returns>The combined path.</returns>
    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <inheritdoc/>
    public void Dispose()
    {
        try
        {
            if (Directory.Exists(Path))
            {
                Directory.Delete(Path, recursive: true);
            }
        }
        catch (IOException)
        {
            // A process that is still exiting may hold a file; the OS temp cleaner gets the rest.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }
    }

    /// <inheritdoc/>
    public override string ToString() => Path;
}
