using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FlexRegistry.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AssetsByAreaCount : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_assets_DnoDistributorId_Type",
                table: "assets");

            migrationBuilder.DropIndex(
                name: "IX_assets_RegistrantId",
                table: "assets");

            migrationBuilder.CreateIndex(
                name: "IX_assets_DnoDistributorId_Type_Status",
                table: "assets",
                columns: new[] { "DnoDistributorId", "Type", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_assets_RegistrantId_DnoDistributorId_Status",
                table: "assets",
                columns: new[] { "RegistrantId", "DnoDistributorId", "Status" });

            migrationBuilder.CreateIndex(
                name: "ix_assets_shared_parties",
                table: "assets",
                column: "DnoDistributorId",
                filter: "length(\"Parties\") > 19");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_assets_DnoDistributorId_Type_Status",
                table: "assets");

            migrationBuilder.DropIndex(
                name: "IX_assets_RegistrantId_DnoDistributorId_Status",
                table: "assets");

            migrationBuilder.DropIndex(
                name: "ix_assets_shared_parties",
                table: "assets");

            migrationBuilder.CreateIndex(
                name: "IX_assets_DnoDistributorId_Type",
                table: "assets",
                columns: new[] { "DnoDistributorId", "Type" });

            migrationBuilder.CreateIndex(
                name: "IX_assets_RegistrantId",
                table: "assets",
                column: "RegistrantId");
        }
    }
}
