package store

// Role is what a user may do.
type Role string

// The roles.
const (
	// RoleAdmin coordinates for the department: users, units, campaigns.
	RoleAdmin Role = "admin"
	// RoleAppraiser appraises the units' submissions for the department.
	RoleAppraiser Role = "appraiser"
	// RoleSubmitter is a unit's preparer (chuyên viên): fills in its own
	// unit's report.
	RoleSubmitter Role = "submitter"
	// RoleApprover is a unit's leader (lãnh đạo đơn vị): reviews the
	// preparer's work and submits it, for one unit.
	RoleApprover Role = "approver"
	// RoleLeader is the provincial leadership: reads everything, approves
	// and publishes.
	RoleLeader Role = "leader"
)

// Roles lists every role, in the order forms show them.
var Roles = []Role{RoleAdmin, RoleAppraiser, RoleSubmitter, RoleApprover, RoleLeader}

// Valid reports whether r is one of Roles.
func (r Role) Valid() bool {
	for _, k := range Roles {
		if r == k {
			return true
		}
	}
	return false
}

// UnitScoped reports whether users of the role belong to one unit (and
// must name it).
func (r Role) UnitScoped() bool { return r == RoleSubmitter || r == RoleApprover }

// RoleLabel is the role's Vietnamese name; an unknown role is shown as it is.
func RoleLabel(r Role) string {
	switch r {
	case RoleAdmin:
		return "Quản trị"
	case RoleAppraiser:
		return "Thẩm định viên"
	case RoleSubmitter:
		return "Chuyên viên đơn vị"
	case RoleApprover:
		return "Lãnh đạo đơn vị"
	case RoleLeader:
		return "Lãnh đạo tỉnh"
	}
	return string(r)
}
