using System.Diagnostics;
using System.Globalization;
using Warden.Lineage.Logs.Sqlite;
using Warden.Lineage.Records;
using Warden.Lineage.Tests.Support;
using Warden.Lineage.Verification;

namespace Warden.Lineage.Tests.Logs;

public sealed class KillNineTests
{
    [Fact]
    public async Task SqliteLog_ProcessKilledMidAppend_EveryAcknowledgedRecordIsInTheLogAndTheChainVerifies()
    {
        using var dir = new TempDirectory();
        var file = dir.File("lineage.db");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(typeof(CrashWriterProgram).Assembly.Location);
        start.ArgumentList.Add(CrashWriterProgram.Command);
        start.ArgumentList.Add(file);
        start.ArgumentList.Add("16");

        var acknowledged = new Dictionary<long, LineageHash>();
        using (var child = Process.Start(start)!)
        {
            using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var stderr = child.StandardError.ReadToEndAsync(cancel.Token);
            try
            {
                while (acknowledged.Count < 400)
                {
                    var line = await child.StandardOutput.ReadLineAsync(cancel.Token)
                        ?? throw new InvalidOperationException("The writer exited early: " + await stderr);
                    Accept(line, acknowledged);
                }

                // SIGKILL: no flush, no dispose, no finally blocks in the child.
                child.Kill(entireProcessTree: true);
                await child.WaitForExitAsync(cancel.Token);

                // Acknowledgements already written before the kill still count.
                while (await child.StandardOutput.ReadLineAsync(cancel.Token) is { } rest)
                {
                    Accept(rest, acknowledged);
                }
            }
            finally
            {
                if (!child.HasExited)
                {
                    child.Kill(entireProcessTree: true);
                }
            }
        }

        await using var log = SqliteLineageLog.Open(new SqliteLineageLogOptions { FilePath = file });
        var stored = await log.ReadAsync("acme", 1).ToDictionaryAsync(r => r.Sequence, r => r.Hash);
        foreach (var (sequence, hash) in acknowledged)
        {
            Assert.True(stored.TryGetValue(sequence, out var storedHash), $"acknowledged record {sequence} is missing after kill -9");
            Assert.Equal(hash, storedHash);
        }

        var verification = await LineageVerifier.VerifyAsync(log, "acme");
        Assert.True(verification.IsIntact, verification.ToString());
        Assert.True(stored.Count >= acknowledged.Count);
    }

    private static void Accept(string line, Dictionary<long, LineageHash> acknowledged)
    {
        var parts = line.Split(' ');
        if (parts is ["ack", var seq, var hash, "end"])
        {
            acknowledged[long.Parse(seq, CultureInfo.InvariantCulture)] = LineageHash.Parse(hash);
        }
    }
}
