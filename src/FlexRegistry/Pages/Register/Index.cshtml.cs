using FlexRegistry.Auth;
using FlexRegistry.Auth.Users;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Participants;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FlexRegistry.Pages.Register;

/// <summary>
/// BUC.4 steps 1–2 as a form: the same <see cref="RegisterParticipant"/> use case as <c>POST /api/v1/participants</c>,
/// under the same anonymous-registration throttle. Then the Authorised Person is invited, by email, to the first account.
/// </summary>
[Authorize(Policy = Policies.Anyone)]
[AnonymousLimited]
public sealed class RegisterOrganisationModel(RegisterParticipant register, ManageUsers users) : RegistryPage
{
    public override string Title => "Register an organisation";

    public RegisterForm Form { get; private set; } = new();
    public RegisterParticipantResponse? Registered { get; private set; }
    public bool InvitationEmailed { get; private set; }
    public string? AuthorisedPersonEmail => Form.PersonEmail;

    public IEnumerable<(string, string)> RoleOptions => ParticipantRole.Requestable.Select(r => (r, r switch
    {
        ParticipantRole.Fsp => "Flexibility service provider (FSP)",
        ParticipantRole.Aggregator => "Aggregator",
        ParticipantRole.MarketOperator => "Market operator",
        ParticipantRole.SystemOperator => "System operator (DSO or ESO)",
        ParticipantRole.MarketplacePlatform => "Marketplace platform",
        ParticipantRole.FlexOwner => "Flex owner (household or business owning assets)",
        ParticipantRole.SpecialUser => "Special user (regulator, investor: read only)",
        _ => r,
    }));

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync([FromForm] RegisterForm form, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(form);
        Form = form;
        var request = new RegisterParticipantRequest
        {
            LegalName = form.LegalName,
            CompanyNumber = form.CompanyNumber,
            EicCode = form.EicCode,
            VatNumber = form.VatNumber,
            Individual = form.Individual,
            RegisteredAddress = new AddressDto { Line1 = form.Line1, Line2 = form.Line2, Town = form.Town, Postcode = form.Postcode },
            ContactEmail = form.ContactEmail,
            RequestedRoles = form.RequestedRoles,
            AuthorisedPerson = new AuthorisedPersonDto { Name = form.PersonName, Email = form.PersonEmail },
            Declaration = form.Declaration,
        };
        RegisterParticipantResponse? response = null;
        if (await RunAsync(async () => response = await register.HandleAsync(request, ct)) is { } failed)
            return failed;
        Registered = response;
        var participant = ParticipantId.Parse(response!.ParticipantId);
        var roles = form.RequestedRoles.ToHashSet(StringComparer.Ordinal);
        // Acting as the organisation's initial client, which holds every permission its roles allow.
        var caller = new Caller(participant, response.ApiClient.ClientId, roles, Scopes.AllowedFor(roles).ToHashSet(StringComparer.Ordinal));
        var invitation = await users.InviteAuthorisedPersonAsync(participant, caller, ct);
        InvitationEmailed = invitation.EmailSent;
        return Page();
    }
}

/// <summary>The registration form's fields, named as the API's JSON paths.</summary>
public sealed class RegisterForm
{
    [BindProperty(Name = "legalName")] public string? LegalName { get; set; }
    [BindProperty(Name = "companyNumber")] public string? CompanyNumber { get; set; }
    [BindProperty(Name = "eicCode")] public string? EicCode { get; set; }
    [BindProperty(Name = "vatNumber")] public string? VatNumber { get; set; }
    [BindProperty(Name = "individual")] public bool Individual { get; set; }
    [BindProperty(Name = "registeredAddress.line1")] public string? Line1 { get; set; }
    [BindProperty(Name = "registeredAddress.line2")] public string? Line2 { get; set; }
    [BindProperty(Name = "registeredAddress.town")] public string? Town { get; set; }
    [BindProperty(Name = "registeredAddress.postcode")] public string? Postcode { get; set; }
    [BindProperty(Name = "contactEmail")] public string? ContactEmail { get; set; }
    [BindProperty(Name = "requestedRoles")] public List<string> RequestedRoles { get; set; } = [];
    [BindProperty(Name = "authorisedPerson.name")] public string? PersonName { get; set; }
    [BindProperty(Name = "authorisedPerson.email")] public string? PersonEmail { get; set; }
    [BindProperty(Name = "declaration")] public bool Declaration { get; set; }
}
