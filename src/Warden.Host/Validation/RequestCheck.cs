using System.Text.RegularExpressions;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Warden.Host.Errors;

namespace Warden.Host.Validation;

/// <summary>
/// Collects the field violations of one request, then throws them all at once as INVALID_ARGUMENT with a
/// google.rpc.BadRequest. Field paths use the proto field names (<c>resource.type</c>, <c>requested_scope[0].actions</c>).
/// </summary>
internal sealed partial class RequestCheck
{
    private List<BadRequest.Types.FieldViolation>? _violations;

    /// <summary>True when no violation was found so far.</summary>
    public bool IsValid => _violations is null;

    /// <summary>The violations found so far.</summary>
    public IReadOnlyList<BadRequest.Types.FieldViolation> Violations => (IReadOnlyList<BadRequest.Types.FieldViolation>?)_violations ?? [];

    /// <summary>Records a violation.</summary>
    public RequestCheck Add(string field, string description)
    {
        (_violations ??= []).Add(new BadRequest.Types.FieldViolation { Field = field, Description = description });
        return this;
    }

    /// <summary>A required text field: present, not blank, not over <paramref name="maxLength"/>, no control characters.</summary>
    public RequestCheck Required(string? value, string field, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return Add(field, "is required");
        }

        return Optional(value, field, maxLength);
    }

    /// <summary>An optional text field: when present, not over <paramref name="maxLength"/> and no control characters.</summary>
    public RequestCheck Optional(string? value, string field, int maxLength)
    {
        if (string.IsNullOrEmpty(value))
        {
            return this;
        }

        if (value.Length > maxLength)
        {
            return Add(field, $"is {value.Length} characters long; the limit is {maxLength}");
        }

        foreach (var c in value)
        {
            if (char.IsControl(c) && c is not ('\n' or '\r' or '\t'))
            {
                return Add(field, "contains control characters");
            }
        }

        return this;
    }

    /// <summary>A tenant or agent id (see <see cref="WardenIds.IsValidName"/>).</summary>
    public RequestCheck NameId(string? value, string field)
    {
        if (string.IsNullOrEmpty(value))
        {
            return Add(field, "is required");
        }

        return WardenIds.IsValidName(value)
            ? this
            : Add(field, $"must be 1 to {WardenLimits.MaxIdLength} characters of A-Z, a-z, 0-9, '.', '_' and '-', starting with a letter or digit");
    }

    /// <summary>A session id: 32 lower-case hex characters.</summary>
    public RequestCheck SessionId(string? value, string field = "session_id")
    {
        if (string.IsNullOrEmpty(value))
        {
            return Add(field, "is required");
        }

        return WardenIds.IsValidSessionId(value) ? this : Add(field, $"is not a session id ({WardenIds.SessionIdLength} lower-case hex characters)");
    }

    /// <summary>A server-issued id (approval): letters, digits, '-', '_', '.', ':' up to 128 characters.</summary>
    public RequestCheck OpaqueId(string? value, string field)
    {
        if (string.IsNullOrEmpty(value))
        {
            return Add(field, "is required");
        }

        return OpaqueIdPattern().IsMatch(value) ? this : Add(field, "is not a well-formed id");
    }

    /// <summary>Adds the grains' own violations (their field paths match the proto's).</summary>
    public RequestCheck AddAll(IEnumerable<Warden.FieldViolation> violations, string prefix = "")
    {
        foreach (var v in violations)
        {
            Add(prefix + v.Field, v.Description);
        }

        return this;
    }

    /// <summary>A duration that, when present, is valid and not negative.</summary>
    public RequestCheck NonNegative(Duration? value, string field)
    {
        if (value is null)
        {
            return this;
        }

        if (!IsNormalized(value))
        {
            return Add(field, "is not a valid duration");
        }

        return value.Seconds < 0 || value.Nanos < 0 ? Add(field, "must not be negative") : this;
    }

    /// <summary>Throws INVALID_ARGUMENT with every violation, if there is any.</summary>
    public void ThrowIfInvalid()
    {
        if (_violations is not null)
        {
            GrpcErrors.InvalidArgument(_violations);
        }
    }

    private static bool IsNormalized(Duration d) =>
        d.Seconds is >= Duration.MinSeconds and <= Duration.MaxSeconds
        && d.Nanos is > -Duration.NanosecondsPerSecond and < Duration.NanosecondsPerSecond
        && (d.Seconds == 0 || d.Nanos == 0 || (d.Seconds < 0) == (d.Nanos < 0));

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex OpaqueIdPattern();
}
