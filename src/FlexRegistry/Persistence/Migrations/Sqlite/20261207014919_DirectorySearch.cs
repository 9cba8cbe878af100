using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FlexRegistry.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class DirectorySearch : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "SearchName",
                table: "participants",
                type: "TEXT",
                maxLength: 300,
                nullable: false,
                defaultValue: "");

            // Existing rows: the normalised name without its legal-form words (OrganisationName.SearchKey on new rows also
            // drops a "T/A" joint, which the normalised name no longer shows as such).
            migrationBuilder.Sql("""
                UPDATE participants SET "SearchName" = trim(replace(replace(replace(replace(replace(replace(replace(
                    ' ' || "NormalisedName" || ' ', ' ltd ', ' '), ' plc ', ' '), ' co ', ' '), ' llp ', ' '), ' lp ', ' '), ' cic ', ' '), ' & ', ' '));
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "SearchName",
                table: "participants");
        }
    }
}
