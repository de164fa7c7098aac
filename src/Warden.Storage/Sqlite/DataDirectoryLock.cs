using System.Globalization;
using System.Text;

namespace Warden.Storage.Sqlite;

/// <summary>
/// An exclusive lock on a data directory, held for as long as a store has it open.
/// </summary>
/// <remarks>
/// Two nodes on one data directory would each activate the same session grain and each believe its own
/// revocations: the kill switch would no longer hold. SQLite would keep the file consistent, so the danger is
/// not corruption but split authority; the lock refuses the second node at start.
/// On Unix, .NET implements <see cref="FileShare.None"/> with an advisory <c>flock</c>, which the kernel drops
/// when the process dies, so a crashed node never leaves a stale lock behind.
/// </remarks>
internal sealed class DataDirectoryLock : IDisposable
{
    private readonly FileStream _stream;

    private DataDirectoryLock(FileStream stream) => _stream = stream;

    public static DataDirectoryLock Acquire(string directory)
    {
        var path = Path.Combine(directory, Options.EmbeddedStorageOptions.LockFileName);
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new EmbeddedStorageException(
                $"The data directory '{directory}' is in use by another Warden node (lock file '{path}' is held). " +
                "Each node needs its own data directory; stop the other node or choose another directory.", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new EmbeddedStorageException(
                $"Cannot lock the data directory '{directory}': no permission to write '{path}'.", e);
        }

        // Who holds it, for an operator looking at the folder; the lock itself is the open handle.
        var owner = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"pid {Environment.ProcessId}\n"));
        stream.SetLength(0);
        stream.Write(owner);
        stream.Flush();
        return new DataDirectoryLock(stream);
    }

    public void Dispose() => _stream.Dispose();
}
