using System.Text.Json;
using FlexRegistry.Audit;
using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Duplicates;
using FlexRegistry.Participants.Verification;
using FlexRegistry.Persistence;
using FlexRegistry.Shared;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;

namespace FlexRegistry.Participants;

/// <summary>
/// BUC.4 steps 1–2: an organisation registers and gets one provisional participant ID at once, plus its first API
/// client. Exact identity keys (company number, EIC, VAT number) are unique in the database; similar names at the
/// same postcode are registered but flagged for the registry operator.
/// </summary>
public sealed class RegisterParticipant(
    RegistryDbContext db,
    Journal journal,
    IOpenIddictApplicationManager applications,
    VerificationQueue verificationQueue,
    AuthOptions authOptions,
    TimeProvider time,
    ILogger<RegisterParticipant> logger)
{
    /// <summary>Names at least this similar (see <see cref="OrganisationName.Similarity"/>) at the same postcode are flagged.</summary>
    public const double NearDuplicateThreshold = 0.88;

    public async Task<RegisterParticipantResponse> HandleAsync(RegisterParticipantRequest request, CancellationToken ct)
    {
        var valid = Validate(request, authOptions.AllowClientSecrets);

        var existing = await FindExistingAsync(valid, ct);
        if (existing is not null)
            throw AlreadyRegistered(existing.Value);

        var now = time.GetUtcNow();
        var participant = Participant.Register(
            valid.LegalName, valid.CompanyNumber, valid.Eic, valid.Vat, valid.Individual, valid.Address, valid.ContactEmail,
            valid.AuthorisedPerson, valid.Roles, now);
        var client = ApiClient.Create(participant.Id, "Initial client", Scopes.AllowedFor(participant.Roles), now);
        var secret = valid.Jwks is null ? ApiClient.NewSecret() : null;
        var displayName = $"{participant.LegalName}: initial client";
        var credential = secret is null
            ? ClientCredentials.KeyDescriptor(client.ClientId, displayName, valid.Jwks!)
            : ClientCredentials.Descriptor(client.ClientId, displayName, secret);

        var strategy = db.Database.CreateExecutionStrategy();
        try
        {
            await strategy.ExecuteAsync(async () =>
            {
                // The insert is the transaction's first statement, so on SQLite the write lock is taken at once
                // (BEGIN IMMEDIATE) and concurrent registrations queue rather than fail.
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                db.Participants.Add(participant);
                db.ApiClients.Add(client);
                // Anonymous: the actor is the registration itself. Field names only, never the values.
                journal.Append([.. participant.TakeEvents(), .. client.TakeEvents()],
                    new AuditEntry(null, null, "participant.register", "participant", participant.Id.Value, participant.Id.Value, RegistrationFields(request)),
                    new AuditEntry(null, null, "api_client.create", "api_client", client.ClientId, participant.Id.Value,
                        secret is null ? ["name", "permissions", "jwks"] : ["name", "permissions"]));
                await db.SaveChangesAsync(ct);
                await FlagNearDuplicatesAsync(participant, now, ct);
                await applications.CreateAsync(credential, ct);
                await journal.CommitAsync(transaction, ct);
            });
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            // Another registration with the same key committed first: the database said no, so answer with its ID.
            db.ChangeTracker.Clear();
            var winner = await FindExistingAsync(valid, ct);
            if (winner is null)
                throw;
            throw AlreadyRegistered(winner.Value);
        }

        logger.LogInformation("Registered participant {ParticipantId} with roles {Roles}", participant.Id, participant.Roles);
        verificationQueue.Wake();
        return new RegisterParticipantResponse(participant.Id.Value, participant.Status.ToWire(), new ApiClientCredentials(client.ClientId, secret,
            secret is null ? ManageApiClients.PrivateKeyJwt : ManageApiClients.ClientSecret));
    }

    private static string[] RegistrationFields(RegisterParticipantRequest r) =>
    [
        .. new (string Name, object? Value)[]
        {
            ("legalName", r.LegalName), ("companyNumber", r.CompanyNumber), ("eicCode", r.EicCode), ("vatNumber", r.VatNumber),
            ("individual", r.Individual), ("registeredAddress", r.RegisteredAddress), ("contactEmail", r.ContactEmail),
            ("requestedRoles", r.RequestedRoles), ("authorisedPerson", r.AuthorisedPerson), ("declaration", r.Declaration), ("jwks", r.Jwks),
        }.Where(f => f.Value is not null).Select(f => f.Name),
    ];

    private async Task<ParticipantId?> FindExistingAsync(ValidRegistration valid, CancellationToken ct)
    {
        var company = valid.CompanyNumber?.Value;
        var eic = valid.Eic?.Value;
        var vat = valid.Vat?.Value;
        if (company is null && eic is null && vat is null)
            return null;
        var match = await db.Participants.AsNoTracking()
            .Where(p => p.Status != ParticipantStatus.Rejected)
            .Where(p => (company != null && p.CompanyNumber == company) || (eic != null && p.EicCode == eic) || (vat != null && p.VatNumber == vat))
            .Select(p => new { p.Id, p.MergedInto })
            .FirstOrDefaultAsync(ct);
        return match is null ? null : match.MergedInto ?? match.Id;
    }

    /// <summary>
    /// Second-level de-duplication. Blocking on the postcode keeps it cheap: only participants registered at the same
    /// postcode are compared, never the whole register.
    /// </summary>
    private async Task FlagNearDuplicatesAsync(Participant participant, DateTimeOffset now, CancellationToken ct)
    {
        var postcode = participant.RegisteredAddress.Postcode;
        if (db.Database.IsNpgsql())
        {
            // Registrations at the same postcode take turns from here to commit, so that under READ COMMITTED the
            // later one's query sees the earlier one and two simultaneous near-duplicates cannot miss each other.
            // (On SQLite the database-wide write lock already serialises them.)
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtext({"participant-postcode:" + postcode}))", ct);
        }
        var neighbours = await db.Participants.AsNoTracking()
            .Where(p => p.RegisteredAddress.Postcode == postcode && p.Id != participant.Id)
            .Where(p => p.Status != ParticipantStatus.Rejected && p.Status != ParticipantStatus.Merged)
            .OrderBy(p => p.RegisteredAt)
            .Select(p => new { p.Id, p.NormalisedName })
            .Take(200)
            .ToListAsync(ct);
        foreach (var neighbour in neighbours)
        {
            var nameScore = OrganisationName.Similarity(participant.NormalisedName, neighbour.NormalisedName);
            if (nameScore < NearDuplicateThreshold)
                continue;
            var evidence = new Dictionary<string, double>
            {
                ["legalName"] = Math.Round(nameScore, 4),
                ["registeredAddress.postcode"] = 1.0,
            };
            var duplicateCase = DuplicateCase.Open("participant", participant.Id.Value, neighbour.Id.Value, nameScore, 0,
                JsonSerializer.Serialize(evidence), [participant.Id.Value, neighbour.Id.Value], now);
            db.DuplicateCases.Add(duplicateCase);
            journal.Append(duplicateCase.TakeEvents());
        }
        if (db.ChangeTracker.HasChanges())
            await db.SaveChangesAsync(ct);
    }

    private static DomainRuleException AlreadyRegistered(ParticipantId existing) => new(
        ParticipantErrors.AlreadyRegistered,
        $"This organisation is already registered as {existing}.",
        new Dictionary<string, object?> { ["existingParticipantId"] = existing.Value });

    private sealed record ValidRegistration(
        string LegalName,
        CompanyNumber? CompanyNumber,
        Eic? Eic,
        VatNumber? Vat,
        bool Individual,
        Address Address,
        Email ContactEmail,
        AuthorisedPerson AuthorisedPerson,
        IReadOnlyList<string> Roles,
        Microsoft.IdentityModel.Tokens.JsonWebKeySet? Jwks);

    private static ValidRegistration Validate(RegisterParticipantRequest r, bool allowClientSecrets)
    {
        var errors = new FieldErrors();
        errors.Required("legalName", r.LegalName, 300);

        CompanyNumber? company = null;
        if (!string.IsNullOrWhiteSpace(r.CompanyNumber))
        {
            if (Shared.CompanyNumber.TryParse(r.CompanyNumber, out var c))
                company = c;
            else
                errors.Add("companyNumber", "company_number.invalid", $"Not a Companies House number. {Shared.CompanyNumber.DescribeRule}");
        }
        Eic? eic = null;
        if (!string.IsNullOrWhiteSpace(r.EicCode))
        {
            if (Shared.Eic.TryParse(r.EicCode, out var e))
                eic = e;
            else
                errors.Add("eicCode", "eic.invalid", $"Not a valid EIC. {Shared.Eic.DescribeRule}");
        }
        VatNumber? vat = null;
        if (!string.IsNullOrWhiteSpace(r.VatNumber))
        {
            if (Shared.VatNumber.TryParse(r.VatNumber, out var v))
                vat = v;
            else
                errors.Add("vatNumber", "vat_number.invalid", $"Not a valid GB VAT number. {Shared.VatNumber.DescribeRule}");
        }
        var individual = r.Individual ?? false;
        var anyIdentifier = !string.IsNullOrWhiteSpace(r.CompanyNumber) || !string.IsNullOrWhiteSpace(r.EicCode) || !string.IsNullOrWhiteSpace(r.VatNumber);
        if (!anyIdentifier && !individual)
            errors.Add("companyNumber", "participant.identifier_required",
                "Give a company number, EIC or VAT number, or declare that you register as an individual (individual: true).");

        Address? address = null;
        if (r.RegisteredAddress is null)
        {
            errors.Add("registeredAddress", "field.required", "registeredAddress is required.");
        }
        else
        {
            var a = r.RegisteredAddress;
            errors.Required("registeredAddress.line1", a.Line1, 200);
            errors.MaxLength("registeredAddress.line2", a.Line2, 200);
            errors.Required("registeredAddress.town", a.Town, 100);
            Postcode postcode = default;
            if (string.IsNullOrWhiteSpace(a.Postcode))
                errors.Add("registeredAddress.postcode", "field.required", "registeredAddress.postcode is required.");
            else if (!Postcode.TryParse(a.Postcode, out postcode))
                errors.Add("registeredAddress.postcode", "postcode.invalid", $"Not a valid UK postcode. {Postcode.DescribeRule}");
            if (!string.IsNullOrWhiteSpace(a.Line1) && !string.IsNullOrWhiteSpace(a.Town) && postcode.Value is not null)
                address = new Address(a.Line1.Trim(), string.IsNullOrWhiteSpace(a.Line2) ? null : a.Line2.Trim(), a.Town.Trim(), postcode.Value);
        }

        Email contact = default;
        if (string.IsNullOrWhiteSpace(r.ContactEmail))
            errors.Add("contactEmail", "field.required", "contactEmail is required.");
        else if (!Email.TryParse(r.ContactEmail, out contact))
            errors.Add("contactEmail", "email.invalid", "contactEmail is not a valid email address.");

        var roles = new List<string>();
        if (r.RequestedRoles is null || r.RequestedRoles.Count == 0)
        {
            errors.Add("requestedRoles", "field.required", "Request at least one role.");
        }
        else
        {
            for (var i = 0; i < r.RequestedRoles.Count; i++)
            {
                var role = r.RequestedRoles[i]?.Trim().ToLowerInvariant() ?? "";
                if (ParticipantRole.IsRequestable(role))
                    roles.Add(role);
                else
                    errors.Add($"requestedRoles[{i}]", ParticipantErrors.UnknownRole.Code,
                        $"'{r.RequestedRoles[i]}' is not a role; use one of {string.Join(", ", ParticipantRole.Requestable)}.");
            }
        }

        AuthorisedPerson? person = null;
        if (r.AuthorisedPerson is null)
        {
            errors.Add("authorisedPerson", "field.required", "authorisedPerson is required.");
        }
        else
        {
            errors.Required("authorisedPerson.name", r.AuthorisedPerson.Name, 200);
            Email personEmail = default;
            if (string.IsNullOrWhiteSpace(r.AuthorisedPerson.Email))
                errors.Add("authorisedPerson.email", "field.required", "authorisedPerson.email is required.");
            else if (!Email.TryParse(r.AuthorisedPerson.Email, out personEmail))
                errors.Add("authorisedPerson.email", "email.invalid", "authorisedPerson.email is not a valid email address.");
            if (!string.IsNullOrWhiteSpace(r.AuthorisedPerson.Name) && personEmail.Value is not null)
                person = new AuthorisedPerson(r.AuthorisedPerson.Name.Trim(), personEmail.Value);
        }

        if (r.Declaration != true)
            errors.Add("declaration", "participant.declaration_required",
                "The Authorised Person must declare (declaration: true) that the information is true and that they may act for the organisation.");

        Microsoft.IdentityModel.Tokens.JsonWebKeySet? jwks = null;
        if (r.Jwks is { ValueKind: not JsonValueKind.Null } element)
            jwks = ManageApiClients.ParseJwks(element, errors);
        else if (!allowClientSecrets)
            errors.Add("jwks", ApiClientErrors.KeysRequired.Code,
                "This register does not issue client secrets: give the public keys (JSON Web Key Set) of your first API client.");

        errors.ThrowIfAny();
        return new ValidRegistration(r.LegalName!.Trim(), company, eic, vat, individual, address!, contact, person!, roles, jwks);
    }
}
