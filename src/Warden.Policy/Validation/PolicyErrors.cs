namespace Warden.Policy.Validation;

/// <summary>Collects one policy's errors in the order found, without duplicates (many environments find the same one).</summary>
internal sealed class PolicyErrors
{
    private readonly List<ValidationError> _errors = [];
    private readonly HashSet<ValidationError> _seen = [];

    public PolicyErrors(string policyId)
    {
        PolicyId = policyId;
    }

    public string PolicyId { get; }

    public IReadOnlyList<ValidationError> Errors => _errors;

    public int Count => _errors.Count;

    public void Add(ValidationErrorKind kind, string message, VExpr? at)
    {
        var error = new ValidationError(PolicyId, kind, message, at?.Line ?? 0, at?.Column ?? 0);
        if (_seen.Add(error))
        {
            _errors.Add(error);
        }
    }

    public void Add(ValidationErrorKind kind, string message, int line, int column)
    {
        var error = new ValidationError(PolicyId, kind, message, line, column);
        if (_seen.Add(error))
        {
            _errors.Add(error);
        }
    }
}
