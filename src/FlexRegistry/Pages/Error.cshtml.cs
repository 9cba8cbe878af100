using FlexRegistry.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FlexRegistry.Pages;

/// <summary>The HTML answer for web requests that end in an error status (re-executed by the status code pages).</summary>
[Authorize(Policy = Policies.Anyone)]
[IgnoreAntiforgeryToken]
public sealed class ErrorModel : RegistryPage
{
    public int Code { get; private set; }

    public override string Title => Code switch
    {
        404 => "Page not found",
        400 => "Sorry, there is a problem with the request",
        403 => "You do not have permission to see this page",
        429 => "Too many attempts",
        _ => "Sorry, there is a problem with the service",
    };

    public void OnGet(int code) => Code = code;

    public void OnPost(int code) => Code = code;
}
