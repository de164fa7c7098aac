namespace Warden;

/// <summary>
/// Size limits Warden enforces on every request. The edge may check them early; the grains check them again, so a
/// request over a limit is refused with <see cref="CallStatus.InvalidArgument"/> naming the field wherever it enters.
/// </summary>
public static class WardenLimits
{
    /// <summary>Longest tenant or agent id.</summary>
    public const int MaxIdLength = 64;

    /// <summary>Longest action name.</summary>
    public const int MaxActionLength = 128;

    /// <summary>Longest resource type (a Cedar entity type path such as <c>Reports::Doc</c>).</summary>
    public const int MaxResourceTypeLength = 128;

    /// <summary>Longest resource id and longest resource pattern.</summary>
    public const int MaxResourceIdLength = 1024;

    /// <summary>Longest short text: display names, owners, prompt ids and hashes, purposes, reasons, labels, risk tiers.</summary>
    public const int MaxShortTextLength = 256;

    /// <summary>Longest long text: the intent's task text and a grant request's justification.</summary>
    public const int MaxLongTextLength = 4096;

    /// <summary>Most entries in a declared action surface or a requested scope.</summary>
    public const int MaxScopeEntries = 64;

    /// <summary>Most labels on an agent or a resource, and most groups of an agent.</summary>
    public const int MaxLabels = 32;

    /// <summary>Largest tool-argument JSON (UTF-16 characters) on one evaluation.</summary>
    public const int MaxInputJsonLength = 64 * 1024;

    /// <summary>Largest resource-attribute JSON (UTF-16 characters) on one evaluation.</summary>
    public const int MaxAttributesJsonLength = 16 * 1024;

    /// <summary>Largest policy set, schema or entity document (UTF-16 characters) on publish.</summary>
    public const int MaxPolicyDocumentLength = 1024 * 1024;

    /// <summary>Longest credential token accepted for parsing.</summary>
    public const int MaxCredentialLength = 512;
}
