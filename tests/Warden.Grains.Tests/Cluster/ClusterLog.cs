using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Warden.Grains.Tests.Cluster;

/// <summary>
/// The test cluster's recent log lines (warnings from everything; information from Orleans streaming, the consistent ring and Warden),
/// kept in a ring so that a probe that times out can say what the silos were doing.
/// </summary>
internal sealed class ClusterLog : ILoggerProvider
{
    private const int Capacity = 4_000;
    private readonly ConcurrentQueue<string> _lines = new();

    /// <summary>The most recent lines, oldest first, at most <paramref name="count"/>.</summary>
    public IReadOnlyList<string> Recent(int count)
    {
        var all = _lines.ToArray();
        return all.Length <= count ? all : all[^count..];
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private void Add(string line)
    {
        _lines.Enqueue(line);
        while (_lines.Count > Capacity && _lines.TryDequeue(out _))
        {
        }
    }

    private sealed class Logger(ClusterLog owner, string category) : ILogger
    {
        private readonly LogLevel _minimum =
            category.StartsWith("Orleans.Streams", StringComparison.Ordinal)
            || category.StartsWith("Orleans.Runtime.ConsistentRing", StringComparison.Ordinal)
            || category.StartsWith("Warden", StringComparison.Ordinal)
                ? LogLevel.Information
                : LogLevel.Warning;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= _minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var time = DateTime.UtcNow.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture);
            owner.Add($"{time} {logLevel} {category} {formatter(state, exception)}{(exception is null ? string.Empty : " | " + exception.GetType().Name + ": " + exception.Message)}");
        }
    }
}
