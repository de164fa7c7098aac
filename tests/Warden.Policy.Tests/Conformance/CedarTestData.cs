using System.Formats.Tar;
using System.IO.Compression;

namespace Warden.Policy.Tests.Conformance;

/// <summary>Locates tests/data/cedar and unpacks the corpus into a temporary folder once per test run.</summary>
internal static class CedarTestData
{
    private static readonly Lazy<string> Root = new(FindRoot);
    private static readonly Lazy<string> UnpackedCorpus = new(Unpack);

    /// <summary>tests/data/cedar in the repository (holds tests/, sample-data/ and corpus-dev.tar.gz).</summary>
    public static string DataRoot => Root.Value;

    /// <summary>A temporary folder holding corpus-tests/ unpacked from corpus-dev.tar.gz.</summary>
    public static string CorpusRoot => UnpackedCorpus.Value;

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "data", "cedar");
            if (File.Exists(Path.Combine(candidate, "corpus-dev.tar.gz")))
            {
                return candidate;
            }

            directory = directory.Parent;
        }

        throw new InvalidOperationException("tests/data/cedar not found above " + AppContext.BaseDirectory);
    }

    private static string Unpack()
    {
        var target = Path.Combine(Path.GetTempPath(), "warden-cedar-corpus-" + Environment.ProcessId);
        if (Directory.Exists(target))
        {
            Directory.Delete(target, recursive: true);
        }

        Directory.CreateDirectory(target);
        using (var file = File.OpenRead(Path.Combine(DataRoot, "corpus-dev.tar.gz")))
        using (var gzip = new GZipStream(file, CompressionMode.Decompress))
        {
            TarFile.ExtractToDirectory(gzip, target, overwriteFiles: true);
        }

        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(target, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: the folder is in the temp directory.
            }
        };
        return target;
    }
}
