using Orleans.Runtime;
using Warden.Storage.Tests.Support;

namespace Warden.Storage.Tests.Cluster;

/// <summary>A grain with Warden-style persisted state and a reminder, for the restart and failover tests.</summary>
[Alias("warden.tests.durable-note")]
public interface IDurableNoteGrain : IGrainWithStringKey
{
    [Alias("write")]
    Task WriteAsync(string text);

    [Alias("read")]
    Task<NoteState> ReadAsync();

    [Alias("start-reminder")]
    Task StartReminderAsync(TimeSpan due, TimeSpan period);

    [Alias("stop-reminder")]
    Task StopReminderAsync();

    [Alias("silo")]
    Task<SiloAddress> GetSiloAsync();
}

public sealed class DurableNoteGrain(
    [PersistentState("note", WardenStorageNames.Grains)] IPersistentState<NoteState> note,
    ILocalSiloDetails silo) : Grain, IDurableNoteGrain, IRemindable
{
    private const string ReminderName = "tick";

    public async Task WriteAsync(string text)
    {
        note.State = note.State with { Text = text, Revision = note.State.Revision + 1, Tags = [.. note.State.Tags, text] };
        await note.WriteStateAsync();
    }

    public Task<NoteState> ReadAsync() => Task.FromResult(note.State);

    public Task StartReminderAsync(TimeSpan due, TimeSpan period) => this.RegisterOrUpdateReminder(ReminderName, due, period);

    public async Task StopReminderAsync()
    {
        var reminder = await this.GetReminder(ReminderName);
        if (reminder is not null)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    public Task<SiloAddress> GetSiloAsync() => Task.FromResult(silo.SiloAddress);

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        ReminderSignals.Tick(this.GetPrimaryKeyString(), silo.SiloAddress);
        return Task.CompletedTask;
    }
}
