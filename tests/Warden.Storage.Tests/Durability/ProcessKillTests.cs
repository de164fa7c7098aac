using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Warden.Storage.Options;
using Warden.Storage.Tests.Support;
using Warden.Testing;

namespace Warden.Storage.Tests.Durability;

/// <summary>
/// A child process writes grain state through the embedded store and prints each acknowledged write; it is killed
/// with SIGKILL mid-stream. Every acknowledged write must be on disk afterwards, and the database must reopen.
/// </summary>
public sealed class ProcessKillTests
{
    private const int Grains = 16;
    private const int AcksBeforeKill = 1500;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    [Theory]
    [InlineData(SqliteDurability.Full)]
    [InlineData(SqliteDurability.Normal)]
    public async Task KillDash9_WhileWriting_EveryAcknowledgedWriteIsOnDisk(SqliteDurability durability)
    {
        using var directory = TempDirectory.Create("kill9");
        var acknowledged = new ConcurrentDictionary<int, long>();
        var enoughAcks = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var ackCount = 0;
        var output = new ConcurrentQueue<string>();

        using var probe = StartProbe(directory.Path, durability);
        probe.ErrorDataReceived += (_, e) => output.Enqueue(e.Data ?? string.Empty);
        probe.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not { } line || !line.StartsWith("ack ", StringComparison.Ordinal))
            {
                return;
            }

            var parts = line.Split(' ');
            var grain = int.Parse(parts[1], CultureInfo.InvariantCulture);
            var sequence = long.Parse(parts[2], CultureInfo.InvariantCulture);
            acknowledged.AddOrUpdate(grain, sequence, (_, previous) => Math.Max(previous, sequence));
            if (Interlocked.Increment(ref ackCount) == AcksBeforeKill)
            {
                enoughAcks.TrySetResult();
            }
        };
        probe.BeginOutputReadLine();
        probe.BeginErrorReadLine();

        try
        {
            await enoughAcks.Task.WaitAsync(Timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The probe acknowledged {ackCount} writes in {Timeout}. Its errors:\n{string.Join('\n', output)}");
        }

        probe.Kill(); // SIGKILL on Unix: no shutdown code runs, the store is not closed.
        await probe.WaitForExitAsync().WaitAsync(Timeout);

        // Every "ack" line the probe printed before it died has been read once the exit is observed.
        var stored = await ReadStoredSequencesAsync(directory.Path);
        Assert.Equal(Grains, acknowledged.Count);
        foreach (var (grain, lastAcknowledged) in acknowledged)
        {
            Assert.True(stored.TryGetValue(grain, out var onDisk), $"grain {grain}: acknowledged up to {lastAcknowledged}, nothing on disk");

            // At most one write per grain was in flight when the kill came: it may or may not have committed.
            Assert.InRange(onDisk, lastAcknowledged, lastAcknowledged + 1);
        }
    }

    private static async Task<Dictionary<int, long>> ReadStoredSequencesAsync(string directory)
    {
        // Reopening runs the integrity check; reading goes straight to the rows, independent of the provider.
        using (var store = OrleansServices.NewStore(directory))
        {
            await store.OpenAsync();
        }

        var result = new Dictionary<int, long>();
        var path = Path.Combine(directory, EmbeddedStorageOptions.DatabaseFileName);
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT grain_key, payload FROM grain_state WHERE provider = 'warden' AND state_name = 'probe';";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            // Orleans' JSON settings omit default values, so the grain comes from the row key, not the payload.
            using var json = JsonDocument.Parse((byte[])reader.GetValue(1));
            result[int.Parse(reader.GetString(0), CultureInfo.InvariantCulture)] = json.RootElement.GetProperty("Sequence").GetInt64();
        }

        return result;
    }

    private static Process StartProbe(string directory, SqliteDurability durability)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { ProbePath(), directory, durability.ToString(), Grains.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start) ?? throw new InvalidOperationException("The crash probe did not start.");
    }

    private static string ProbePath()
    {
        // The probe is built beside the tests (same configuration and framework folder).
        var testProject = Path.Combine(RepositoryPaths.Root, "tests", "Warden.Storage.Tests");
        var outputTail = Path.GetRelativePath(testProject, AppContext.BaseDirectory);
        var configuration = typeof(ProcessKillTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration;
        var path = Path.Combine(RepositoryPaths.Root, "tests", "Warden.Storage.CrashProbe", outputTail, "Warden.Storage.CrashProbe.dll");
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"The crash probe was not built ({configuration}); build tests/Warden.Storage.CrashProbe.", path);
    }
}
