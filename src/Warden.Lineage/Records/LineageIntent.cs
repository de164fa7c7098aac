namespace Warden.Lineage.Records;

/// <summary>The task an agent declared when it opened its session, as recorded in lineage.</summary>
public sealed record LineageIntent
{
    /// <summary>Free text describing the task.</summary>
    public required string Task { get; init; }

    /// <summary>Identifier of the prompt that started the task, if known.</summary>
    public string? PromptId { get; init; }

    /// <summary>Hash of the prompt (for example <c>sha256:&lt;hex&gt;</c>), if known.</summary>
    public string? PromptHash { get; init; }

    /// <summary>The human user the agent acts for, if any.</summary>
    public string? OnBehalfOf { get; init; }
}
