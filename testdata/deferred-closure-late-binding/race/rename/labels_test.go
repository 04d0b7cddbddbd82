package labels

import "testing"

func TestRename(t *testing.T) {
	set := map[string]string{"env": "prod"}
	Rename(set, "env", "environment")
	if _, ok := set["env"]; ok {
		t.Errorf("old label still present: %v", set)
	}
	if set["environment"] != "prod" {
		t.Errorf("new label lost: %v", set)
	}
}
