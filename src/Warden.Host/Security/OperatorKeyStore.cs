using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Warden.Host.Diagnostics;
using Warden.Host.Hosting;

namespace Warden.Host.Security;

/// <summary>
/// The root operator key. Taken, in order, from <c>Warden:OperatorKey</c>, from the file <c>Warden:OperatorKeyFile</c>,
/// or from <c>{DataPath}/operator.key</c>, which is generated with mode 600 on the first start. Only the key's
/// SHA-256 is kept in memory; the key itself is never logged.
/// </summary>
public sealed class OperatorKeyStore
{
    /// <summary>The file name of the generated key in the data folder.</summary>
    public const string DefaultFileName = "operator.key";

    private const string KeyPrefix = "wdn_op_";
    private const int MinimumKeyLength = 24;

    private readonly Lazy<byte[]> _keyHash;

    /// <summary>Creates the store; the key is loaded (or generated) on first use or at start.</summary>
    public OperatorKeyStore(IOptions<WardenHostOptions> options, ILogger<OperatorKeyStore> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var value = options.Value;
        _keyHash = new Lazy<byte[]>(() => Hash(Load(value, logger)), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Where the key came from: a file path, or <c>configuration</c>.</summary>
    public string Source { get; private set; } = "not loaded";

    /// <summary>Loads the key now (so a bad configuration stops the start, and the log says where the key is).</summary>
    public void EnsureLoaded() => _ = _keyHash.Value;

    /// <summary>True when <paramref name="presented"/> is the root operator key (constant-time comparison).</summary>
    public bool IsRootKey(string presented)
    {
        ArgumentNullException.ThrowIfNull(presented);
        return CryptographicOperations.FixedTimeEquals(Hash(presented), _keyHash.Value);
    }

    /// <summary>A new random key: <c>wdn_op_</c> and 32 random bytes, base64url.</summary>
    public static string NewKey() => KeyPrefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    private string Load(WardenHostOptions options, ILogger logger)
    {
        if (!string.IsNullOrWhiteSpace(options.OperatorKey))
        {
            Source = "configuration";
            HostLog.OperatorKeyFromConfiguration(logger);
            return Checked(options.OperatorKey.Trim(), "Warden:OperatorKey");
        }

        if (!string.IsNullOrWhiteSpace(options.OperatorKeyFile))
        {
            var path = Path.GetFullPath(options.OperatorKeyFile);
            if (!File.Exists(path))
            {
                throw new InvalidOperationException($"Warden:OperatorKeyFile '{path}' does not exist.");
            }

            Source = path;
            HostLog.OperatorKeyFromFile(logger, path);
            return Checked(File.ReadAllText(path).Trim(), path);
        }

        var dataPath = Path.GetFullPath(options.DataPath);
        var file = Path.Combine(dataPath, DefaultFileName);
        Source = file;
        if (File.Exists(file))
        {
            HostLog.OperatorKeyFromFile(logger, file);
            return Checked(File.ReadAllText(file).Trim(), file);
        }

        Directory.CreateDirectory(dataPath);
        var key = NewKey();
        var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using var stream = new FileStream(file, fileOptions);
            stream.Write(Encoding.UTF8.GetBytes(key + "\n"));
        }
        catch (IOException) when (File.Exists(file))
        {
            // Another process generated it between the check and the create: use theirs.
            HostLog.OperatorKeyFromFile(logger, file);
            return Checked(File.ReadAllText(file).Trim(), file);
        }

        HostLog.OperatorKeyGenerated(logger, file);
        return key;
    }

    private static string Checked(string key, string source)
    {
        if (key.Length < MinimumKeyLength)
        {
            throw new InvalidOperationException($"The operator key from {source} is shorter than {MinimumKeyLength} characters.");
        }

        return key;
    }

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
